package main

import (
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestServe_AddEditDelete(t *testing.T) {
	app := startApp(t, "")
	app.mustSend(message("C0LIVE01", "1623321000.000100", "Polls close at 10pm."))
	app.mustSend(message("C0LIVE01", "1623321060.000200", "Turnout: 18%."))

	got := app.currentText("C0LIVE01")
	if got["1623321000.000100"] != "Polls close at 10pm." {
		t.Errorf("first post = %q", got["1623321000.000100"])
	}

	app.mustSend(editMessage("C0LIVE01", "1623321000.000100", "1623321090.000000", "Polls close at 11pm."))
	u := app.updatesSince("C0LIVE01", "0")
	content := u.Updates["1623321000.000100"].Content
	if text := bodyText(content); text != "Polls close at 11pm." {
		t.Errorf("edited post = %q", text)
	}
	if !strings.Contains(content, `class="liveline-edited"`) {
		t.Errorf("edited post has no edited marker: %s", content)
	}
	if !strings.Contains(content, `data-post-id="1623321000.000100"`) {
		t.Errorf("post root lacks data-post-id: %s", content)
	}
	if !strings.Contains(content, `<time class="liveline-created" datetime="2021-06-10T10:30:00Z"`) {
		t.Errorf("post lacks its created time: %s", content)
	}

	app.mustSend(deleteMessage("C0LIVE01", "1623321060.000200", "1623321120.000300"))
	u = app.updatesSince("C0LIVE01", "0")
	if !slices.Equal(u.CurrentPosts, []string{"1623321000.000100"}) {
		t.Errorf("currentPosts after delete = %q", u.CurrentPosts)
	}
	if _, ok := u.Updates["1623321060.000200"]; ok {
		t.Errorf("deleted post still in updates")
	}
}

func TestServe_PollingProtocol(t *testing.T) {
	app := startApp(t, "")
	empty := app.handshake("C0LIVE01")
	if len(empty.LivePosts) != 0 || empty.LastUpdateTimestamp != 0 {
		t.Errorf("handshake of an empty channel = %+v", empty)
	}
	if empty.PollingInterval != 2000 {
		t.Errorf("pollingInterval = %d, want 2000", empty.PollingInterval)
	}

	app.mustSend(message("C0LIVE01", "1623321000.000100", "first"))
	before := app.lastUpdateAt("C0LIVE01")
	app.mustSend(message("C0LIVE01", "1623321001.000100", "second"))
	after := app.lastUpdateAt("C0LIVE01")
	if after <= before {
		t.Errorf("Last-Update-At did not move: %s then %s", before, after)
	}

	h := app.handshake("C0LIVE01")
	if !slices.Equal(h.LivePosts, []string{"1623321001.000100", "1623321000.000100"}) {
		t.Errorf("livePosts = %q, want newest first", h.LivePosts)
	}

	u := app.updatesSince("C0LIVE01", after)
	if !slices.Equal(u.order, []string{"1623321001.000100"}) {
		t.Errorf("updates since %s = %q, want only the second post", after, u.order)
	}
	if u.LastUpdateTimestamp.String() != after {
		t.Errorf("lastUpdateTimestamp = %s, want %s", u.LastUpdateTimestamp, after)
	}
	all := app.updatesSince("C0LIVE01", "0")
	if !slices.Equal(all.order, []string{"1623321000.000100", "1623321001.000100"}) {
		t.Errorf("updates order = %q, want oldest first", all.order)
	}
	if !slices.Equal(all.CurrentPosts, []string{"1623321000.000100", "1623321001.000100"}) {
		t.Errorf("currentPosts = %q, want oldest first", all.CurrentPosts)
	}
	if all.PollingInterval != 2000 {
		t.Errorf("GET pollingInterval = %d", all.PollingInterval)
	}
}

func TestServe_WagtailPath(t *testing.T) {
	app := startApp(t, "")
	app.mustSend(message("C0LIVE01", "1623321000.000100", "first"))
	resp, err := http.Post(app.url+"/wagtail_live/get-updates/C0LIVE01/", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"livePosts":["1623321000.000100"]`) {
		t.Errorf("wagtail handshake = %s %s", resp.Status, body)
	}
	head, err := http.Head(app.url + "/wagtail_live/get-updates/C0LIVE01/")
	if err != nil {
		t.Fatal(err)
	}
	head.Body.Close()
	if head.Header.Get("Last-Update-At") == "" {
		t.Errorf("wagtail HEAD lacks Last-Update-At")
	}
}

func TestServe_StampRoundTripsClientFloat(t *testing.T) {
	app := startApp(t, "")
	app.mustSend(message("C0LIVE01", "1623321000.000100", "first"))
	h := app.handshake("C0LIVE01")
	// A browser sends back the float it parsed, in its shortest form.
	since := formatJSFloat(h.LastUpdateTimestamp)
	u := app.updatesSince("C0LIVE01", since)
	if len(u.order) != 1 {
		t.Errorf("updates since the handshake's own timestamp %s = %q, want the last post", since, u.order)
	}
}

func TestServe_RejectsBadSignature(t *testing.T) {
	app := startApp(t, "")
	body := message("C0LIVE01", "1623321000.000100", "forged")
	tests := []struct {
		name   string
		secret string
		at     time.Time
	}{
		{"wrong secret", "not-the-secret", time.Now()},
		{"old timestamp", testSecret, time.Now().Add(-6 * time.Minute)},
		{"future timestamp", testSecret, time.Now().Add(6 * time.Minute)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := app.sendSigned(body, nil, tt.secret, tt.at)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("status = %s, want 401", resp.Status)
			}
		})
	}
	unsigned, err := http.Post(app.url+"/slack/events", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	unsigned.Body.Close()
	if unsigned.StatusCode != http.StatusUnauthorized {
		t.Errorf("unsigned status = %s, want 401", unsigned.Status)
	}
	if h := app.handshake("C0LIVE01"); len(h.LivePosts) != 0 {
		t.Errorf("rejected events stored posts: %q", h.LivePosts)
	}
}

func TestServe_SignatureOverRawBytes(t *testing.T) {
	app := startApp(t, "")
	// Slack escapes "/" and non-ASCII; re-encoding would change the bytes.
	body := []byte(`{"token":"x","type":"event_callback","event_id":"Ev0ESC","event":{"type":"message",` +
		`"user":"U0TEST01","text":"Results at https:\/\/example.org \u00e9t\u00e9","ts":"1623321000.000100",` +
		`"channel":"C0LIVE01","event_ts":"1623321000.000100","channel_type":"channel"}}`)
	app.mustSend(body)
	if got := app.currentText("C0LIVE01")["1623321000.000100"]; got != "Results at https://example.org été" {
		t.Errorf("post text = %q", got)
	}
}

func TestServe_URLVerification(t *testing.T) {
	app := startApp(t, "")
	body := []byte(`{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)
	req, _ := http.NewRequest(http.MethodPost, app.url+"/slack/events", strings.NewReader(string(body)))
	signRequest(req, body)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(got) != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("challenge answer = %s %q", resp.Status, got)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type = %q, want text/plain", ct)
	}
}

func TestServe_UnmappedChannel(t *testing.T) {
	app := startApp(t, "")
	app.mustSend(message("C0OTHER01", "1623321000.000100", "private chatter"))
	resp, err := http.Post(app.url+"/live/C0OTHER01/updates", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("handshake of an unmapped channel = %s, want 404", resp.Status)
	}
	var count int
	if err := app.db.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	posts, err := app.db.Posts(t.Context(), "C0OTHER01")
	if err != nil {
		t.Fatal(err)
	}
	count = len(posts)
	if count != 0 {
		t.Errorf("stored %d posts from an unmapped channel", count)
	}
}

func TestServe_PollingErrors(t *testing.T) {
	app := startApp(t, "")
	tests := []struct {
		name, method, path string
		want               int
		wantError          string
	}{
		{"unknown channel GET", http.MethodGet, "/live/C0NOPE01/updates?last_update_ts=0", 404, "unknown channel"},
		{"unknown channel HEAD", http.MethodHead, "/live/C0NOPE01/updates", 404, ""},
		{"missing last_update_ts", http.MethodGet, "/live/C0LIVE01/updates", 400, "missing last_update_ts"},
		{"invalid last_update_ts", http.MethodGet, "/live/C0LIVE01/updates?last_update_ts=yesterday", 400, "invalid last_update_ts"},
		{"unknown page", http.MethodGet, "/live/no-such-page", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, app.url+tt.path, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.want)
			}
			if tt.wantError != "" && !strings.Contains(string(body), `"error":"`+tt.wantError) {
				t.Errorf("body = %s, want a JSON error starting %q", body, tt.wantError)
			}
		})
	}
}

func TestServe_TwoEditsInOneMillisecond(t *testing.T) {
	app := startApp(t, "")
	app.mustSend(message("C0LIVE01", "1623321000.000100", "v1"))
	seen := map[string]bool{}
	for i, text := range []string{"v2", "v3", "v4"} {
		edited := "1623321010.00000" + itoa(i+1)
		app.mustSend(editMessage("C0LIVE01", "1623321000.000100", edited, text))
		at := app.lastUpdateAt("C0LIVE01")
		if seen[at] {
			t.Errorf("two changes share Last-Update-At %s", at)
		}
		seen[at] = true
	}
	if got := app.currentText("C0LIVE01")["1623321000.000100"]; got != "v4" {
		t.Errorf("text after edits = %q, want v4", got)
	}
}

func TestServe_RestartKeepsPosts(t *testing.T) {
	app := startApp(t, "")
	for i := 0; i < 5; i++ {
		app.mustSend(message("C0LIVE01", "162332100"+itoa(i)+".000100", "post "+itoa(i)))
	}
	before := app.handshake("C0LIVE01")
	app.stop()

	again := startApp(t, app.dbPath)
	after := again.handshake("C0LIVE01")
	if !slices.Equal(before.LivePosts, after.LivePosts) {
		t.Errorf("posts after restart = %q, want %q", after.LivePosts, before.LivePosts)
	}
	if before.LastUpdateTimestamp != after.LastUpdateTimestamp {
		t.Errorf("clock after restart = %v, want %v", after.LastUpdateTimestamp, before.LastUpdateTimestamp)
	}
}

func TestServe_ReaderPage(t *testing.T) {
	app := startApp(t, "")
	app.mustSend(message("C0LIVE01", "1623321000.000100", "Polls close at <https://example.org/polls|10pm> & counting starts."))
	resp, err := http.Get(app.url + "/live/election")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(body)
	for _, want := range []string{
		"<title>Election night</title>",
		`data-liveline-channel="C0LIVE01"`,
		`data-post-id="1623321000.000100"`,
		`<a href="https://example.org/polls" rel="nofollow noreferrer noopener" target="_blank">10pm</a> &amp; counting starts.`,
		`<script src="/widget.js" async></script>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("reader page lacks %q", want)
		}
	}
	js, err := http.Get(app.url + "/widget.js")
	if err != nil {
		t.Fatal(err)
	}
	js.Body.Close()
	if js.StatusCode != http.StatusOK || !strings.HasPrefix(js.Header.Get("Content-Type"), "text/javascript") {
		t.Errorf("widget.js = %s %s", js.Status, js.Header.Get("Content-Type"))
	}
}

// crossOriginHead sends the HEAD a widget on a news site sends.
func (a *testApp) crossOriginHead(channel string) *http.Response {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodHead, a.url+"/live/"+channel+"/updates", nil)
	req.Header.Set("Origin", "https://news.example.com")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestServe_CORS(t *testing.T) {
	app := startApp(t, "")
	resp := app.crossOriginHead("C0LIVE01")
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("Access-Control-Allow-Origin = %q, want *", got)
	}
	if got := resp.Header.Get("Access-Control-Expose-Headers"); !strings.Contains(got, "Last-Update-At") {
		t.Errorf("Access-Control-Expose-Headers = %q, want Last-Update-At", got)
	}
}

func TestApp_ListenURLIgnoresPublicURL(t *testing.T) {
	app := startApp(t, "")
	app.cfg.PublicURL = "https://live.example.org"
	if got := app.ListenURL(); got != app.url {
		t.Errorf("ListenURL = %q, want the listener %q: the demo must not post to public_url", got, app.url)
	}
	if got := app.BaseURL(); got != "https://live.example.org" {
		t.Errorf("BaseURL = %q, want public_url", got)
	}
}

func TestServe_Healthz(t *testing.T) {
	app := startApp(t, "")
	resp, err := http.Get(app.url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("healthz = %s", resp.Status)
	}
}

func reaction(kind, channel, ts, name string) []byte {
	return reactionBy("U0TEST01", kind, channel, ts, name)
}

func reactionBy(user, kind, channel, ts, name string) []byte {
	return envelope(map[string]any{
		"type": kind, "user": user, "reaction": name, "item_user": "U0TEST01",
		"item":     map[string]any{"type": "message", "channel": channel, "ts": ts},
		"event_ts": "1623321500.000100",
	})
}

func TestServe_HideReaction(t *testing.T) {
	app := startApp(t, "")
	const id = "1623321000.000100"
	app.mustSend(message("C0LIVE01", id, "Unconfirmed: ward 8 recount."))
	before := app.lastUpdateAt("C0LIVE01")

	app.mustSend(reaction("reaction_added", "C0LIVE01", id, "thumbsup"))
	if got := app.lastUpdateAt("C0LIVE01"); got != before {
		t.Errorf("an unrelated reaction moved the clock")
	}

	app.mustSend(reaction("reaction_added", "C0LIVE01", id, "no_entry_sign"))
	u := app.updatesSince("C0LIVE01", before)
	if upd, ok := u.Updates[id]; !ok || upd.Show {
		t.Errorf("hidden post update = %+v, %v; want show false", upd, ok)
	}
	if got := u.Updates[id].Content; got != "" {
		t.Errorf("hidden post still sends its content: %q", got)
	}
	if len(u.CurrentPosts) != 0 {
		t.Errorf("hidden post is in currentPosts: %q", u.CurrentPosts)
	}
	if h := app.handshake("C0LIVE01"); len(h.LivePosts) != 0 {
		t.Errorf("hidden post is in livePosts: %q", h.LivePosts)
	}
	page, err := http.Get(app.url + "/live/election")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(page.Body)
	page.Body.Close()
	if strings.Contains(string(body), "ward 8 recount") {
		t.Errorf("reader page shows a hidden post")
	}

	if _, ok := app.updatesSince("C0LIVE01", "0").Updates[id]; ok {
		t.Errorf("a new reader learns that the hidden post exists")
	}

	app.mustSend(reaction("reaction_removed", "C0LIVE01", id, "no_entry_sign"))
	u = app.updatesSince("C0LIVE01", "0")
	if !u.Updates[id].Show {
		t.Errorf("post still hidden after the reaction was removed")
	}
}

func TestServe_IgnoredSubtypesAndEvents(t *testing.T) {
	app := startApp(t, "")
	join := envelope(map[string]any{"type": "message", "subtype": "channel_join", "user": "U0TEST09",
		"text": "<@U0TEST09> has joined the channel", "ts": "1623321000.000100",
		"channel": "C0LIVE01", "event_ts": "1623321000.000100"})
	app.mustSend(join)
	other := envelope(map[string]any{"type": "app_mention", "user": "U0TEST01", "text": "hi",
		"ts": "1623321001.000100", "channel": "C0LIVE01", "event_ts": "1623321001.000100"})
	app.mustSend(other)
	if h := app.handshake("C0LIVE01"); len(h.LivePosts) != 0 {
		t.Errorf("ignored events created posts: %q", h.LivePosts)
	}
}

func TestServe_HeadCarriesPollingInterval(t *testing.T) {
	app := startApp(t, "")
	resp := app.crossOriginHead("C0LIVE01")
	if got := resp.Header.Get("Polling-Interval"); got != "2000" {
		t.Errorf("Polling-Interval = %q, want 2000", got)
	}
	if got := resp.Header.Get("Access-Control-Expose-Headers"); !strings.Contains(got, "Polling-Interval") {
		t.Errorf("Access-Control-Expose-Headers = %q, want Polling-Interval", got)
	}
}

func TestServe_HeadOnEveryGetRoute(t *testing.T) {
	app := startApp(t, "")
	for _, path := range []string{"/healthz", "/widget.js", "/live/election", "/live/election/feed.atom"} {
		resp, err := http.Head(app.url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("HEAD %s = %s, want 200", path, resp.Status)
		}
	}
}

func TestServe_CompressesPagesAndWidget(t *testing.T) {
	app := startApp(t, "")
	app.mustSend(message("C0LIVE01", "1623321000.000100", strings.Repeat("Counting continues. ", 50)))
	for _, path := range []string{"/live/election", "/widget.js", "/live/election/feed.atom"} {
		req, _ := http.NewRequest(http.MethodGet, app.url+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Content-Encoding"); got != "gzip" {
			t.Errorf("GET %s Content-Encoding = %q, want gzip", path, got)
		}
	}
}

// A post stays hidden while any editor's hide reaction remains on it.
func TestServe_HideReactionFromTwoEditors(t *testing.T) {
	app := startApp(t, "")
	const id = "1623321000.000100"
	app.mustSend(message("C0LIVE01", id, "Unconfirmed: ward 8 recount."))
	app.mustSend(reactionBy("U0EDITOR1", "reaction_added", "C0LIVE01", id, "no_entry_sign"))
	app.mustSend(reactionBy("U0EDITOR2", "reaction_added", "C0LIVE01", id, "no_entry_sign"))

	hiddenAt := app.lastUpdateAt("C0LIVE01")
	app.mustSend(reactionBy("U0EDITOR1", "reaction_removed", "C0LIVE01", id, "no_entry_sign"))
	if got := app.lastUpdateAt("C0LIVE01"); got != hiddenAt {
		t.Errorf("removing one of two hide reactions changed the page")
	}
	if _, ok := app.updatesSince("C0LIVE01", "0").Updates[id]; ok {
		t.Errorf("post shown while another editor's hide reaction remains")
	}

	app.mustSend(reactionBy("U0EDITOR2", "reaction_removed", "C0LIVE01", id, "no_entry_sign"))
	if upd := app.updatesSince("C0LIVE01", "0").Updates[id]; !upd.Show {
		t.Errorf("post still hidden after every hide reaction was removed")
	}
}
