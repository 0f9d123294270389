package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/liveline/liveline/bridge"
)

func runDemoOnce(t *testing.T, app *testApp) {
	t.Helper()
	prior, err := demoPosts(context.Background(), app.db, "C0LIVE01")
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	runDemo(context.Background(), app.url, testSecret, "C0LIVE01", prior, 0, log)
}

func TestDemo_ReplaysTranscript(t *testing.T) {
	app := startApp(t, "")
	runDemoOnce(t, app)

	texts := app.currentText("C0LIVE01")
	if len(texts) != 9 {
		t.Errorf("demo left %d posts, want 9: ten messages, one of them deleted", len(texts))
	}
	var edited, deleted bool
	for _, text := range texts {
		edited = edited || strings.HasPrefix(text, "First ballot boxes have arrived")
		deleted = deleted || strings.Contains(text, "Ward 8 recount")
	}
	if !edited {
		t.Errorf("demo edit not applied: %q", texts)
	}
	if deleted {
		t.Errorf("demo deletion not applied: %q", texts)
	}
	for id := range texts {
		if at := bridge.TSTime(id); at.After(time.Now().Add(2 * time.Second)) {
			t.Errorf("post %s is dated in the future: %v", id, at)
		}
	}
}

func TestDemo_SecondRunStartsFresh(t *testing.T) {
	app := startApp(t, "")
	app.mustSend(message("C0LIVE01", "1623321000.000100", "A reporter's own post."))
	runDemoOnce(t, app)
	runDemoOnce(t, app)
	texts := app.currentText("C0LIVE01")
	if len(texts) != 10 {
		t.Errorf("after two demo runs the page has %d posts, want 9 demo posts and 1 other", len(texts))
	}
	if texts["1623321000.000100"] != "A reporter's own post." {
		t.Errorf("the demo deleted a post it did not write")
	}
}
