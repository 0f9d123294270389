package main

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// testBotToken is the bot token the fake Slack Web API accepts.
const testBotToken = "xoxb-test-bot-token"

// signInPage is what Slack's file servers return for a request without a
// valid token: a 200 HTML page, not an error status.
const signInPage = "<!DOCTYPE html><html><head><title>Sign in | Slack</title></head>" +
	"<body>Sign in to your workspace</body></html>"

// fakeSlack is a local stand-in for Slack's Web API and file servers,
// with the users, channels and files of the handed cases.
type fakeSlack struct {
	*httptest.Server
	t *testing.T

	mu sync.Mutex
	// files maps a download path, such as /files-pri/T0TEST000-F0IMG0001/
	// download/count-centre.png, to its bytes.
	files map[string][]byte
	// revoked paths return the sign-in page even with the token.
	revoked map[string]bool
	// extFileMissing makes files.info return file_not_found for F0EXT0005.
	extFileMissing bool
	// usergroupsMissingScope makes usergroups.list return missing_scope,
	// as Slack does for a token without usergroups:read.
	usergroupsMissingScope bool
	// calls counts requests by Web API method or download path.
	calls map[string]int
}

func newFakeSlack(t *testing.T) *fakeSlack {
	t.Helper()
	f := &fakeSlack{t: t, revoked: map[string]bool{}, calls: map[string]int{}}
	f.files = map[string][]byte{
		"/files-pri/T0TEST000-F0IMG0001/download/count-centre.png":              encodeImage(t, "png", 1600, 900),
		"/files-tmb/T0TEST000-F0IMG0002-9f8e7d6c5b/img_2041_1024.jpg":           encodeImage(t, "jpeg", 768, 1024),
		"/files-pri/T0TEST000-F0IMG0003/download/queue.gif":                     encodeImage(t, "gif", 40, 30),
		"/files-pri/T0PARTNR0-F0EXT0005/download/ward-2.jpg":                    encodeImage(t, "jpeg", 640, 480),
		"/files-pri/T0TEST000-F0DOC0004/download/provisional-results.pdf":       []byte("%PDF-1.7\n"),
		"/files-tmb/T0TEST000-F0IMG0001-9f8e7d6c5b/count-centre_1024.png":       encodeImage(t, "png", 1024, 576),
		"/files-tmb/T0TEST000-F0IMG0003-9f8e7d6c5b/queue_deanimate_gif.png":     encodeImage(t, "png", 40, 30),
		"/files-tmb/T0TEST000-F0DOC0004-9f8e7d6c5b/provisional-results_pdf.png": encodeImage(t, "png", 935, 1210),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/users.info", f.usersInfo)
	mux.HandleFunc("/api/conversations.info", f.conversationsInfo)
	mux.HandleFunc("/api/files.info", f.filesInfo)
	mux.HandleFunc("/api/emoji.list", f.emojiList)
	mux.HandleFunc("/api/usergroups.list", f.usergroupsList)
	mux.HandleFunc("/files-pri/", f.download)
	mux.HandleFunc("/files-tmb/", f.download)
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

func encodeImage(t *testing.T, format string, w, h int) []byte {
	t.Helper()
	img := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.White, color.Black})
	img.SetColorIndex(w/2, h/2, 1)
	var buf bytes.Buffer
	var err error
	switch format {
	case "png":
		err = png.Encode(&buf, img)
	case "jpeg":
		err = jpeg.Encode(&buf, img, nil)
	case "gif":
		err = gif.Encode(&buf, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// apiURL returns the value for slack.api_url.
func (f *fakeSlack) apiURL() string { return f.URL + "/api/" }

func (f *fakeSlack) count(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[key]
}

func (f *fakeSlack) revoke(path string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.revoked[path] = true
}

func (f *fakeSlack) record(key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[key]++
}

// authorized reports whether r carries the bot token, as Slack's Web API
// accepts it: a bearer header or a token form field.
func authorized(r *http.Request) bool {
	return r.Header.Get("Authorization") == "Bearer "+testBotToken || r.FormValue("token") == testBotToken
}

func writeAPI(w http.ResponseWriter, body map[string]any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(body)
}

func (f *fakeSlack) usersInfo(w http.ResponseWriter, r *http.Request) {
	f.record("users.info")
	if !authorized(r) {
		writeAPI(w, map[string]any{"ok": false, "error": "not_authed"})
		return
	}
	profiles := map[string][2]string{
		"U0TEST01": {"Reporter One", "reporter.one"},
		"U0TEST02": {"Reporter Two", "reporter.two"},
		"U0TEST03": {"Editor Three", ""},
	}
	id := r.FormValue("user")
	p, ok := profiles[id]
	if !ok {
		writeAPI(w, map[string]any{"ok": false, "error": "user_not_found"})
		return
	}
	writeAPI(w, map[string]any{"ok": true, "user": map[string]any{
		"id": id, "name": strings.ToLower(strings.ReplaceAll(p[0], " ", "")), "real_name": p[0],
		"profile": map[string]any{"real_name": p[0], "display_name": p[1],
			"image_48": "https://avatars.example.org/" + id + "-48.png"},
	}})
}

func (f *fakeSlack) conversationsInfo(w http.ResponseWriter, r *http.Request) {
	f.record("conversations.info")
	if !authorized(r) {
		writeAPI(w, map[string]any{"ok": false, "error": "not_authed"})
		return
	}
	channels := map[string]map[string]any{
		"C0LIVE02": {"id": "C0LIVE02", "name": "elections-desk", "is_channel": true},
		"C0LIVE03": {"id": "C0LIVE03", "name": "count-centre", "is_channel": true},
		"C0SECRET": {"id": "C0SECRET", "name": "legal-review", "is_private": true},
	}
	ch, ok := channels[r.FormValue("channel")]
	if !ok {
		writeAPI(w, map[string]any{"ok": false, "error": "channel_not_found"})
		return
	}
	writeAPI(w, map[string]any{"ok": true, "channel": ch})
}

func (f *fakeSlack) filesInfo(w http.ResponseWriter, r *http.Request) {
	f.record("files.info")
	if !authorized(r) {
		writeAPI(w, map[string]any{"ok": false, "error": "not_authed"})
		return
	}
	f.mu.Lock()
	missing := f.extFileMissing
	f.mu.Unlock()
	if r.FormValue("file") != "F0EXT0005" || missing {
		writeAPI(w, map[string]any{"ok": false, "error": "file_not_found"})
		return
	}
	writeAPI(w, map[string]any{"ok": true, "file": map[string]any{
		"id": "F0EXT0005", "name": "ward-2.jpg", "title": "Ward 2 count", "mimetype": "image/jpeg",
		"filetype": "jpg", "mode": "hosted", "file_access": "visible",
		"url_private":          f.URL + "/files-pri/T0PARTNR0-F0EXT0005/ward-2.jpg",
		"url_private_download": f.URL + "/files-pri/T0PARTNR0-F0EXT0005/download/ward-2.jpg",
	}})
}

// download serves file bytes only with the bot token; otherwise, and for
// revoked paths, it returns Slack's sign-in page with status 200.
func (f *fakeSlack) download(w http.ResponseWriter, r *http.Request) {
	f.record(r.URL.Path)
	f.mu.Lock()
	data, ok := f.files[r.URL.Path]
	revoked := f.revoked[r.URL.Path]
	f.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+testBotToken || revoked {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(signInPage))
		return
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Write(data)
}

// slackFilesTransport sends requests for files.slack.com to the fake, so
// the case's real Slack URLs resolve locally, and rejects every other
// host except 127.0.0.1.
type slackFilesTransport struct {
	fake *url.URL
}

func (tr slackFilesTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	switch r.URL.Hostname() {
	case "files.slack.com":
		r.URL.Scheme, r.URL.Host = tr.fake.Scheme, tr.fake.Host
	case "127.0.0.1":
	default:
		return nil, &url.Error{Op: "Get", URL: r.URL.String(), Err: errOffline}
	}
	return http.DefaultTransport.RoundTrip(r)
}

var errOffline = errorString("tests reach only 127.0.0.1")

type errorString string

func (e errorString) Error() string { return string(e) }

func (f *fakeSlack) emojiList(w http.ResponseWriter, r *http.Request) {
	f.record("emoji.list")
	if !authorized(r) {
		writeAPI(w, map[string]any{"ok": false, "error": "not_authed"})
		return
	}
	writeAPI(w, map[string]any{"ok": true, "emoji": map[string]string{
		"partyparrot": "https://emoji.example.org/partyparrot.gif",
		"fastparrot":  "alias:partyparrot",
		"loopy":       "alias:loopy",
	}})
}

func (f *fakeSlack) usergroupsList(w http.ResponseWriter, r *http.Request) {
	f.record("usergroups.list")
	if !authorized(r) {
		writeAPI(w, map[string]any{"ok": false, "error": "not_authed"})
		return
	}
	f.mu.Lock()
	missingScope := f.usergroupsMissingScope
	f.mu.Unlock()
	if missingScope {
		writeAPI(w, map[string]any{"ok": false, "error": "missing_scope", "needed": "usergroups:read"})
		return
	}
	writeAPI(w, map[string]any{"ok": true, "usergroups": []map[string]any{
		{"id": "S0DESK001", "team_id": "T0TEST000", "is_usergroup": true, "name": "Desk editors",
			"handle": "desk-editors"},
		{"id": "S0DESK003", "team_id": "T0TEST000", "is_usergroup": true, "name": "Night desk",
			"handle": "night-desk"},
	}})
}
