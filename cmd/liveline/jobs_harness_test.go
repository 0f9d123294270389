package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"
)

// slackSetup configures an App that talks to a fake Slack.
type slackSetup struct {
	dbPath      string // empty starts on a fresh database
	userName    string // slack.user_name; empty keeps the default
	maxAttempts int    // jobs.max_attempts; 0 keeps the default
	avatars     bool   // show_avatars
	now         func() time.Time
}

// logBuffer collects an App's log lines for assertions. It is safe for
// concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startSlackApp starts Liveline with slack.api_url at fake, a bot token,
// and a job worker that runs only when the test calls runJobs.
func startSlackApp(t *testing.T, fake *fakeSlack, setup slackSetup) (*testApp, *logBuffer) {
	t.Helper()
	cfg := testConfig(t, tempDB(t, setup.dbPath))
	cfg.Slack.APIURL = fake.apiURL()
	cfg.Slack.BotToken = testBotToken
	if setup.userName != "" {
		cfg.Slack.UserName = setup.userName
	}
	cfg.ShowAvatars = setup.avatars
	if setup.maxAttempts > 0 {
		cfg.Jobs.MaxAttempts = &setup.maxAttempts
	}
	logs := &logBuffer{}
	var out io.Writer = logs
	if testing.Verbose() {
		out = io.MultiWriter(logs, os.Stderr)
	}
	log := slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	fakeURL, _ := url.Parse(fake.URL)
	client := &http.Client{Timeout: 5 * time.Second, Transport: slackFilesTransport{fake: fakeURL}}
	opts := []AppOption{withSlackHTTPClient(client), withJobInterval(0), withCleanupInterval(0)}
	if setup.now != nil {
		opts = append(opts, withJobClock(setup.now))
	}
	return launchApp(t, cfg, appLaunch{log: log, options: opts}), logs
}

// runJobs runs the due jobs once and returns how many ran.
func (a *testApp) runJobs() int {
	a.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return a.worker.RunDue(ctx)
}

// runCleanup runs the cleanup once at the app's clock.
func (a *testApp) runCleanup() cleanupResult {
	a.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := a.cleanup.run(ctx)
	if err != nil {
		a.t.Fatal(err)
	}
	return res
}

// sendTimed sends body and fails unless Slack gets a 200 within 3 seconds.
func (a *testApp) sendTimed(body []byte) {
	a.t.Helper()
	start := time.Now()
	a.mustSend(body)
	if d := time.Since(start); d > 3*time.Second {
		a.t.Errorf("event answered after %v, want under Slack's 3 s", d)
	}
}

// get returns the body of GET path.
func (a *testApp) get(path string) (*http.Response, []byte) {
	a.t.Helper()
	resp, err := http.Get(a.url + path)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return resp, body
}
