package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/liveline/liveline/receiver"
	"github.com/liveline/liveline/receiver/render"
)

// testSecret signs the events tests send, standing in for Slack's
// signing secret.
const testSecret = "test-signing-secret"

// testApp is a running Liveline on 127.0.0.1 with a database in a
// temporary folder.
type testApp struct {
	*App
	t      *testing.T
	url    string
	dbPath string
}

func testConfig(t *testing.T, dbPath string) *Config {
	t.Helper()
	cfg := &Config{
		Listen:          "127.0.0.1:0",
		Database:        dbPath,
		PollingInterval: "2s",
		Slack:           SlackConfig{SigningSecret: testSecret},
		Channels: []ChannelConfig{
			{ChannelID: "C0LIVE01", Slug: "election", Title: "Election night"},
			{ChannelID: "C0LIVE02", Slug: "budget", Title: "Budget day", Threads: "all"},
		},
	}
	cfg.applyDefaults()
	if err := cfg.Validate(false); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// startApp starts Liveline on a fresh database, or on dbPath when given.
func startApp(t *testing.T, dbPath string) *testApp {
	t.Helper()
	return launchApp(t, testConfig(t, tempDB(t, dbPath)), appLaunch{})
}

// tempDB returns dbPath, or a database file in a fresh temporary folder
// when dbPath is empty.
func tempDB(t *testing.T, dbPath string) string {
	t.Helper()
	if dbPath == "" {
		return filepath.Join(t.TempDir(), "liveline.db")
	}
	return dbPath
}

// appLaunch holds what launchApp passes to NewApp beside the config.
type appLaunch struct {
	log     *slog.Logger     // nil discards logs, or writes them with -v
	dir     render.Directory // nil shows placeholders for names
	options []AppOption
	prepare func(*App) // runs after NewApp and before Start; may be nil
}

// launchApp validates cfg, builds the App and starts it on cfg.Listen,
// and stops it when the test ends.
func launchApp(t *testing.T, cfg *Config, launch appLaunch) *testApp {
	t.Helper()
	if err := cfg.Validate(false); err != nil {
		t.Fatal(err)
	}
	log := launch.log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
		if testing.Verbose() {
			log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
		}
	}
	app, err := NewApp(context.Background(), cfg, log, launch.dir, launch.options...)
	if err != nil {
		t.Fatal(err)
	}
	if launch.prepare != nil {
		launch.prepare(app)
	}
	if err := app.Start(cfg.Listen); err != nil {
		t.Fatal(err)
	}
	ta := &testApp{App: app, t: t, url: app.BaseURL(), dbPath: cfg.Database}
	t.Cleanup(ta.stop)
	return ta
}

func (a *testApp) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if a.server != nil {
		a.Close(ctx)
		a.server = nil
	}
}

// send posts body to /slack/events signed with testSecret at now.
func (a *testApp) send(body []byte, header http.Header) *http.Response {
	a.t.Helper()
	return a.sendSigned(body, header, testSecret, time.Now())
}

func (a *testApp) sendSigned(body []byte, header http.Header, secret string, at time.Time) *http.Response {
	a.t.Helper()
	req, err := http.NewRequest(http.MethodPost, a.url+"/slack/events", bytes.NewReader(body))
	if err != nil {
		a.t.Fatal(err)
	}
	receiver.SignRequest(req.Header, secret, body, at)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// mustSend sends body and fails the test unless Slack gets a 200.
func (a *testApp) mustSend(body []byte) {
	a.t.Helper()
	if resp := a.send(body, nil); resp.StatusCode != http.StatusOK {
		a.t.Fatalf("event answered %s, want 200 OK", resp.Status)
	}
}

type handshake struct {
	LivePosts           []string `json:"livePosts"`
	LastUpdateTimestamp float64  `json:"lastUpdateTimestamp"`
	PollingInterval     int64    `json:"pollingInterval"`
}

type updates struct {
	Updates             map[string]postUpdate `json:"updates"`
	CurrentPosts        []string              `json:"currentPosts"`
	LastUpdateTimestamp json.Number           `json:"lastUpdateTimestamp"`
	PollingInterval     int64                 `json:"pollingInterval"`
	order               []string              // keys of Updates in the order sent
}

type postUpdate struct {
	Show    bool   `json:"show"`
	Content string `json:"content"`
}

func (a *testApp) handshake(channel string) handshake {
	a.t.Helper()
	resp, err := http.Post(a.url+"/live/"+channel+"/updates", "", nil)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		a.t.Fatalf("handshake answered %s", resp.Status)
	}
	var h handshake
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		a.t.Fatal(err)
	}
	return h
}

func (a *testApp) lastUpdateAt(channel string) string {
	a.t.Helper()
	resp, err := http.Head(a.url + "/live/" + channel + "/updates")
	if err != nil {
		a.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		a.t.Fatalf("HEAD answered %s", resp.Status)
	}
	return resp.Header.Get("Last-Update-At")
}

func (a *testApp) updatesSince(channel, since string) updates {
	a.t.Helper()
	resp, err := http.Get(a.url + "/live/" + channel + "/updates?last_update_ts=" + since)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		a.t.Fatalf("GET updates answered %s: %s", resp.Status, body)
	}
	var u updates
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&u); err != nil {
		a.t.Fatal(err)
	}
	u.order = objectKeys(a.t, body, "updates")
	return u
}

// objectKeys returns the keys of the JSON object at field, in the order
// they appear in body.
func objectKeys(t *testing.T, body []byte, field string) []string {
	t.Helper()
	var outer map[string]json.RawMessage
	if err := json.Unmarshal(body, &outer); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(outer[field]))
	var keys []string
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch v := tok.(type) {
		case json.Delim:
			if v == '{' || v == '[' {
				depth++
			} else {
				depth--
			}
		case string:
			if depth == 1 {
				keys = append(keys, v)
				var skip json.RawMessage
				dec.Decode(&skip)
			}
		}
	}
	return keys
}

// currentText returns the visible text of each current post, oldest first.
func (a *testApp) currentText(channel string) map[string]string {
	a.t.Helper()
	u := a.updatesSince(channel, "0")
	out := map[string]string{}
	for _, id := range u.CurrentPosts {
		out[id] = bodyText(u.Updates[id].Content)
	}
	return out
}

var (
	tagPattern  = regexp.MustCompile(`<[^>]*>`)
	bodyPattern = regexp.MustCompile(`(?s)<div class="liveline-body">(.*)</div></article>$`)
)

// bodyText returns a post fragment's content as a reader sees the text:
// tags removed, entities decoded, without the author and time header.
func bodyText(fragment string) string {
	if m := bodyPattern.FindStringSubmatch(fragment); m != nil {
		fragment = m[1]
	}
	fragment = strings.ReplaceAll(fragment, "<br>", "\n")
	text := tagPattern.ReplaceAllString(fragment, "")
	return strings.TrimSpace(htmlUnescape(text))
}

// message returns an event_callback body for a new message.
func message(channel, ts, text string) []byte {
	return envelope(map[string]any{
		"type": "message", "user": "U0TEST01", "text": text, "ts": ts,
		"channel": channel, "event_ts": ts, "channel_type": "channel",
	})
}

// editMessage returns a message_changed body that sets ts's text.
func editMessage(channel, ts, editedTS, text string) []byte {
	return envelope(map[string]any{
		"type": "message", "subtype": "message_changed", "hidden": true, "channel": channel,
		"ts": editedTS, "event_ts": editedTS, "channel_type": "channel",
		"message": map[string]any{"type": "message", "user": "U0TEST01", "text": text, "ts": ts,
			"edited": map[string]any{"user": "U0TEST01", "ts": editedTS}},
	})
}

// deleteMessage returns a message_deleted body for ts.
func deleteMessage(channel, ts, eventTS string) []byte {
	return envelope(map[string]any{
		"type": "message", "subtype": "message_deleted", "hidden": true, "channel": channel,
		"ts": eventTS, "event_ts": eventTS, "deleted_ts": ts, "channel_type": "channel",
	})
}

var eventCounter int

func envelope(event map[string]any) []byte {
	eventCounter++
	body, _ := json.Marshal(map[string]any{
		"token": "unused", "team_id": "T0TEST000", "api_app_id": "A0LIVE0001",
		"type": "event_callback", "event_id": "Ev0TEST" + strings.Repeat("0", 3) + itoa(eventCounter),
		"event_time": time.Now().Unix(), "event": event,
	})
	return body
}
