package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/liveline/liveline/bridge"
	"github.com/liveline/liveline/store"
)

func TestConfig_CacheMaxAge(t *testing.T) {
	tests := []struct {
		value   string
		want    time.Duration
		wantErr bool
	}{
		{"", DefaultCacheMaxAge, false},
		{"0s", 0, false},
		{"30s", 30 * time.Second, false},
		{"1h", time.Hour, false},
		{"1500ms", 0, true},
		{"-1s", 0, true},
		{"2h", 0, true},
		{"soon", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			cfg := testConfig(t, t.TempDir()+"/liveline.db")
			cfg.CacheMaxAge = tt.value
			cfg.applyDefaults()
			err := cfg.Validate(false)
			if tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), "cache_max_age") {
					t.Errorf("error = %v, want one naming cache_max_age", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.cacheMaxAge != tt.want {
				t.Errorf("cache max-age = %v, want %v", cfg.cacheMaxAge, tt.want)
			}
		})
	}
}

// A committed event is visible to the next HEAD, and a cached HEAD
// revalidates with 304 until then.
func TestServe_SnapshotFollowsEvents(t *testing.T) {
	app := startApp(t, "")
	app.mustSend(message("C0LIVE01", "1623321000.000100", "first"))
	head, err := http.Head(app.url + "/live/C0LIVE01/updates")
	if err != nil {
		t.Fatal(err)
	}
	head.Body.Close()
	etag := head.Header.Get("ETag")
	if got := head.Header.Get("Cache-Control"); got != "public, max-age=1" {
		t.Errorf("Cache-Control = %q, want public, max-age=1", got)
	}

	conditional := func() int {
		req, _ := http.NewRequest(http.MethodHead, app.url+"/live/C0LIVE01/updates", nil)
		req.Header.Set("If-None-Match", etag)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := conditional(); got != http.StatusNotModified {
		t.Errorf("HEAD with its ETag = %d, want 304", got)
	}
	app.mustSend(message("C0LIVE01", "1623321060.000100", "second"))
	if got := conditional(); got != http.StatusOK {
		t.Errorf("HEAD with the old ETag after an event = %d, want 200", got)
	}
	if h := app.handshake("C0LIVE01"); len(h.LivePosts) != 2 {
		t.Errorf("livePosts after two events = %q", h.LivePosts)
	}
}

// A change committed by another process, as "liveline backfill" does while
// serve runs, reaches pollers without a further event.
func TestServe_PicksUpOutsideWrites(t *testing.T) {
	app := startApp(t, "")
	app.mustSend(message("C0LIVE01", "1623321000.000100", "first"))
	before := app.lastUpdateAt("C0LIVE01")

	other, err := store.Open(context.Background(), app.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	c := bridge.Change{Op: bridge.OpUpsert, ChannelID: "C0LIVE01", TS: "1623321001.000100",
		Post: &bridge.Post{Author: bridge.Author{Name: "Backfill"},
			Blocks: []bridge.Block{{Type: bridge.BlockText, HTML: "<p>from backfill</p>"}}}}
	if _, err := other.Apply(context.Background(), c); err != nil {
		t.Fatal(err)
	}

	deadline := time.Now().Add(10 * outsideWriteInterval)
	for app.lastUpdateAt("C0LIVE01") == before {
		if time.Now().After(deadline) {
			t.Fatalf("Last-Update-At still %s after %v", before, 10*outsideWriteInterval)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got := app.currentText("C0LIVE01")["1623321001.000100"]; got != "from backfill" {
		t.Errorf("post written by another process = %q", got)
	}
}
