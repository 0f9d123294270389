package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liveline/liveline/bridge"
	"github.com/liveline/liveline/store"
)

// waits records the pauses catch-up requests, and returns at once.
type waits struct {
	mu   sync.Mutex
	list []time.Duration
}

func (w *waits) wait(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.list = append(w.list, d)
	return ctx.Err()
}

func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.list...)
}

// startCatchUpApp starts Liveline on dbPath with the fake Slack as its
// Web API, catch_up_interval set to interval, and waits recorded in w.
func startCatchUpApp(t *testing.T, dbPath string, slack *fakeHistory, interval string, w *waits) *testApp {
	t.Helper()
	cfg := testConfig(t, tempDB(t, dbPath))
	cfg.Slack.BotToken = testBotToken
	cfg.Slack.APIURL = slack.url()
	cfg.CatchUpInterval = interval
	return launchApp(t, cfg, appLaunch{prepare: func(app *App) { app.wait = w.wait }})
}

// waitSynced waits up to ten seconds for a catch-up of channel that
// finished after since, and returns its state.
func waitSynced(t *testing.T, db *store.DB, channel string, since time.Time) bridge.SyncState {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		s, err := db.SyncState(context.Background(), channel)
		if err == nil && !s.SyncedAt.Before(since) {
			return s
		}
		if err != nil && !errors.Is(err, bridge.ErrNotFound) {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no catch-up of %s finished within 10s", channel)
	return bridge.SyncState{}
}

// Messages added, edited and deleted while Liveline was stopped reach the
// page on the next start, across pages and one 429.
func TestCatchUp_AfterDowntime(t *testing.T) {
	const (
		beyondHistory = "1623321000.000100" // older than anything Slack lists
		edited        = "1623321060.000200"
		deleted       = "1623321120.000300"
		hidden        = "1623321180.000400"
		added         = "1623321240.000500"
		broadcast     = "1623321250.000600"
		joined        = "1623321260.000700"
	)
	slack := newFakeHistory(t, 2)
	w := &waits{}
	app := startCatchUpApp(t, "", slack, "0", w)
	app.mustSend(message("C0LIVE01", beyondHistory, "Polls open."))
	for ts, text := range map[string]string{edited: "Turnout: 18%.", deleted: "Queue at ward 7.",
		hidden: "Counting starts."} {
		app.mustSend(message("C0LIVE01", ts, text))
		slack.put("C0LIVE01", historyMessage(ts, text))
	}
	app.stop()

	// While Liveline is down, the channel moves on.
	fixed := historyMessage(edited, "Turnout: 21%.")
	fixed["edited"] = map[string]any{"user": "U0TEST01", "ts": "1623321300.000000"}
	slack.put("C0LIVE01", fixed)
	slack.remove("C0LIVE01", deleted)
	reacted := historyMessage(hidden, "Counting starts.")
	reacted["reactions"] = []map[string]any{{"name": "no_entry_sign", "count": 1,
		"users": []string{"U0EDITOR"}}}
	slack.put("C0LIVE01", reacted)
	slack.put("C0LIVE01", historyMessage(added, "Ward 7 declared."))
	reply := historyMessage(broadcast, "Recount requested in ward 7.")
	reply["subtype"], reply["thread_ts"] = "thread_broadcast", hidden
	slack.put("C0LIVE01", reply)
	join := historyMessage(joined, "<@U0NEW> has joined the channel")
	join["subtype"] = "channel_join"
	slack.put("C0LIVE01", join)
	slack.mu.Lock()
	slack.limitNextCursor = true
	slack.mu.Unlock()

	restarted := time.Now()
	again := startCatchUpApp(t, app.dbPath, slack, "5m", w)
	state := waitSynced(t, again.db, "C0LIVE01", restarted)

	got := again.currentText("C0LIVE01")
	want := map[string]string{
		beyondHistory: "Polls open.",
		edited:        "Turnout: 21%.",
		added:         "Ward 7 declared.",
		broadcast:     "Recount requested in ward 7.",
	}
	for ts, text := range want {
		if got[ts] != text {
			t.Errorf("post %s = %q, want %q", ts, got[ts], text)
		}
	}
	if _, ok := got[deleted]; ok {
		t.Errorf("post %s deleted in Slack is still live", deleted)
	}
	if _, ok := got[joined]; ok {
		t.Errorf("channel_join message became a post")
	}
	if len(got) != len(want) {
		t.Errorf("live posts = %q, want the %d above", got, len(want))
	}
	u := again.updatesSince("C0LIVE01", "0")
	if upd, ok := u.Updates[hidden]; ok {
		t.Errorf("post %s with the hide reaction reaches a new reader: %+v", hidden, upd)
	}
	if !strings.Contains(u.Updates[edited].Content, "liveline-edited") {
		t.Errorf("post %s edited while down lacks the edited marker", edited)
	}

	calls, cursorCalls, limited := slack.counts()
	if cursorCalls < 2 {
		t.Errorf("history requests with a cursor = %d, want at least 2 (3 pages)", cursorCalls)
	}
	if limited != 1 {
		t.Errorf("429 responses = %d, want 1", limited)
	}
	if ws := w.all(); len(ws) != 1 || ws[0] != time.Second {
		t.Errorf("waits = %v, want one of 1s after Retry-After: 1", ws)
	}
	if calls != 4+limited {
		t.Errorf("history requests = %d, want 3 pages and 1 retry", calls)
	}
	if state.Oldest != beyondHistory {
		t.Errorf("covered window starts at %q, want the oldest stored post %q", state.Oldest, beyondHistory)
	}
	if bridge.CompareTS(state.Latest, added) <= 0 {
		t.Errorf("covered window ends at %q, before the newest message %q", state.Latest, added)
	}
}

// A second run over an unchanged history changes nothing readers see.
func TestCatchUp_RepeatIsQuiet(t *testing.T) {
	slack := newFakeHistory(t, 200)
	app := startCatchUpApp(t, "", slack, "0", &waits{})
	for _, ts := range []string{"1623321000.000100", "1623321060.000200"} {
		app.mustSend(message("C0LIVE01", ts, "post "+ts))
		slack.put("C0LIVE01", historyMessage(ts, "post "+ts))
	}
	before := app.lastUpdateAt("C0LIVE01")
	start := time.Now()
	app.catchUp.request()
	waitSynced(t, app.db, "C0LIVE01", start)
	if after := app.lastUpdateAt("C0LIVE01"); after != before {
		t.Errorf("catch-up of an unchanged history moved the clock from %s to %s", before, after)
	}
}

// Slack's app_rate_limited notice starts a catch-up of every mapped
// channel, even with the periodic runs off.
func TestCatchUp_AppRateLimited(t *testing.T) {
	const missed = "1623321060.000200"
	slack := newFakeHistory(t, 200)
	app := startCatchUpApp(t, "", slack, "0", &waits{})
	app.mustSend(message("C0LIVE01", "1623321000.000100", "Polls open."))
	slack.put("C0LIVE01", historyMessage("1623321000.000100", "Polls open."))
	slack.put("C0LIVE01", historyMessage(missed, "Sent while Slack held events back."))

	start := time.Now()
	app.mustSend([]byte(`{"token":"x","type":"app_rate_limited","team_id":"T0TEST000",` +
		`"minute_rate_limited":1518467820,"api_app_id":"A0LIVE0001"}`))
	waitSynced(t, app.db, "C0LIVE01", start)
	if got := app.currentText("C0LIVE01")[missed]; got != "Sent while Slack held events back." {
		t.Errorf("missed message after app_rate_limited = %q", got)
	}
}

const backfillConfig = `
database: %DB%
slack:
  signing_secret: test-secret
  bot_token: %TOKEN%
  api_url: %API%
catch_up_interval: 0
channels:
  - channel_id: C0LIVE01
    slug: election
  - channel_id: C0LIVE02
    slug: budget
`

func writeBackfillConfig(t *testing.T, slack *fakeHistory, token string) (path, dbPath string) {
	t.Helper()
	body := strings.NewReplacer("%TOKEN%", token, "%API%", slack.url()).Replace(backfillConfig)
	path = writeConfig(t, body)
	return path, filepath.Join(filepath.Dir(path), "liveline.db")
}

func TestBackfill_NewChannel(t *testing.T) {
	slack := newFakeHistory(t, 2)
	for i, text := range []string{"Budget speech at noon.", "Fuel duty frozen.", "Pensions up 4%."} {
		slack.put("C0LIVE02", historyMessage("162332100"+itoa(i)+".000100", text))
	}
	path, dbPath := writeBackfillConfig(t, slack, testBotToken)
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"backfill", "--config", path, "--channel", "C0LIVE02"},
		&stdout, &stderr)
	if code != exitOK {
		t.Fatalf("exit status = %d, want 0; stderr: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "C0LIVE02: 3 messages in 2 pages") {
		t.Errorf("output = %q, want a summary of 3 messages in 2 pages", stdout.String())
	}

	db, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	posts, err := db.Posts(context.Background(), "C0LIVE02")
	if err != nil {
		t.Fatal(err)
	}
	if len(posts) != 3 {
		t.Errorf("backfilled posts = %d, want 3", len(posts))
	}
	state, err := db.SyncState(context.Background(), "C0LIVE02")
	if err != nil {
		t.Fatal(err)
	}
	if state.Oldest != "0.000000" {
		t.Errorf("covered window after a whole-history backfill starts at %q, want 0.000000", state.Oldest)
	}
	if _, err := db.SyncState(context.Background(), "C0LIVE01"); !errors.Is(err, bridge.ErrNotFound) {
		t.Errorf("backfill of C0LIVE02 touched C0LIVE01: %v", err)
	}
}

func TestBackfill_UsageErrors(t *testing.T) {
	slack := newFakeHistory(t, 2)
	path, _ := writeBackfillConfig(t, slack, testBotToken)
	noToken, _ := writeBackfillConfig(t, slack, `""`)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing config", []string{}, "missing --config"},
		{"unmapped channel", []string{"--config", path, "--channel", "C0OTHER01"}, `channel "C0OTHER01" is not mapped`},
		{"negative since", []string{"--config", path, "--since", "-1h"}, "invalid --since"},
		{"invalid since", []string{"--config", path, "--since", "yesterday"}, "invalid value"},
		{"extra argument", []string{"--config", path, "now"}, `unexpected argument "now"`},
		{"missing bot token", []string{"--config", noToken}, "slack.bot_token: missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), append([]string{"backfill"}, tt.args...), &stdout, &stderr)
			if code != exitUsage {
				t.Errorf("exit status = %d, want %d", code, exitUsage)
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr = %q, want it to contain %q", stderr.String(), tt.want)
			}
		})
	}
	if calls, _, _ := slack.counts(); calls != 0 {
		t.Errorf("usage errors called Slack %d times", calls)
	}
}

func TestConfig_CatchUpInterval(t *testing.T) {
	tests := []struct {
		value   string
		want    time.Duration
		wantErr bool
	}{
		{"", DefaultCatchUpInterval, false},
		{"0", 0, false},
		{"30s", 30 * time.Second, false},
		{"24h", 24 * time.Hour, false},
		{"29s", 0, true},
		{"25h", 0, true},
		{"-5m", 0, true},
		{"often", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			cfg := testConfig(t, filepath.Join(t.TempDir(), "liveline.db"))
			cfg.CatchUpInterval = tt.value
			cfg.applyDefaults()
			err := cfg.Validate(false)
			if tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), "catch_up_interval") {
					t.Errorf("error = %v, want one naming catch_up_interval", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.catchUpInterval != tt.want {
				t.Errorf("catchUpInterval = %v, want %v", cfg.catchUpInterval, tt.want)
			}
		})
	}
}

// Replies not sent to the channel are absent from conversations.history,
// so catch-up must not take their absence for a deletion.
func TestCatchUp_KeepsThreadReplies(t *testing.T) {
	const parent, reply = "1623321000.000100", "1623321030.000200"
	slack := newFakeHistory(t, 200)
	app := startCatchUpApp(t, "", slack, "0", &waits{})
	app.mustSend(message("C0LIVE02", parent, "Budget speech begins."))
	slack.put("C0LIVE02", historyMessage(parent, "Budget speech begins."))
	app.mustSend(replyMessage("C0LIVE02", reply, parent, "Fuel duty frozen."))
	slack.put("C0LIVE02", historyReply(reply, parent, "Fuel duty frozen."))

	start := time.Now()
	app.catchUp.request()
	waitSynced(t, app.db, "C0LIVE02", start)
	if got := app.currentText("C0LIVE02")[reply]; got != "Fuel duty frozen." {
		t.Errorf("thread reply after catch-up = %q, want it kept", got)
	}
}
