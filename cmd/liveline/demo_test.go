package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
)

func TestDemo_ReplaysTranscript(t *testing.T) {
	app := startApp(t, "")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	runDemo(context.Background(), app.url, testSecret, "C0LIVE01", 0, log)

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
}
