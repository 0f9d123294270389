package publisher

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/liveline/liveline/bridge"
)

func TestPollingChannelID(t *testing.T) {
	tests := []struct {
		path   string
		wantID string
		wantOK bool
	}{
		{"/live/C0LIVE01/updates", "C0LIVE01", true},
		{"/live/C0LIVE01/updates/", "C0LIVE01", true},
		{"/wagtail_live/get-updates/C0LIVE01", "C0LIVE01", true},
		{"/wagtail_live/get-updates/C0LIVE01/", "C0LIVE01", true},
		{"/live/C0LIVE01", "", false},
		{"/live//updates", "", false},
		{"/live/C0LIVE01/updates/more", "", false},
		{"/live/C0LIVE01/feed.atom", "", false},
		{"/wagtail_live/get-updates/", "", false},
		{"/wagtail_live/get-updates/C0LIVE01/more", "", false},
		{"/widget.js", "", false},
	}
	for _, tt := range tests {
		id, ok := pollingChannelID(&url.URL{Path: tt.path})
		if ok != tt.wantOK || (ok && id != tt.wantID) {
			t.Errorf("pollingChannelID(%q) = %q, %v; want %q, %v", tt.path, id, ok, tt.wantID, tt.wantOK)
		}
	}
	escaped, _ := url.Parse("/live/C0%2FLIVE01/updates")
	if _, ok := pollingChannelID(escaped); ok {
		t.Errorf("pollingChannelID matched the escaped path %q", escaped)
	}
}

func TestQueryValue(t *testing.T) {
	tests := []string{
		"", "last_update_ts=1.5", "a=1&last_update_ts=2&last_update_ts=3",
		"last_update_ts", "last_update_ts=", "x=1", "last%5Fupdate_ts=4",
		"last_update_ts=5;x=1", "last_update_ts=1+2", "last_update_ts=%31",
	}
	for _, query := range tests {
		u := &url.URL{RawQuery: query}
		values, wantOK := u.Query()["last_update_ts"]
		want := ""
		if wantOK {
			want = values[0]
		}
		got, ok := queryValue(u, "last_update_ts")
		if got != want || ok != wantOK {
			t.Errorf("queryValue(%q) = %q, %v; want %q, %v", query, got, ok, want, wantOK)
		}
	}
}

// TestServePolling_MatchesRoutes checks that ServePolling sends the status
// and headers that Routes, with its go-chi/cors middleware, sends.
func TestServePolling_MatchesRoutes(t *testing.T) {
	store := newMemStore()
	for i := range 3 {
		store.apply(textChange(postTS(i), "post"))
	}
	configs := [][]string{nil, {"https://news.example.org"}, {"HTTPS://*.Example.org"}, {"https://a.test", "*"}}
	origins := []string{"", "null", "https://news.example.org", "https://b.example.org", "https://evil.test"}
	requests := []struct{ method, target string }{
		{http.MethodHead, "/live/C0LIVE01/updates"},
		{http.MethodPost, "/wagtail_live/get-updates/C0LIVE01/"},
		{http.MethodGet, "/live/C0LIVE01/updates/?last_update_ts=0"},
		{http.MethodGet, "/live/C0LIVE01/updates?x=1"},
		{http.MethodGet, "/live/C0NOPE/updates?last_update_ts=0"},
	}
	for _, allowed := range configs {
		pub := mustMatchPublisher(t, store, allowed)
		routes := pub.Routes()
		for _, req := range requests {
			for _, origin := range origins {
				r := httptest.NewRequest(req.method, req.target, nil)
				r.Header.Set("Accept-Encoding", "gzip")
				if origin != "" {
					r.Header.Set("Origin", origin)
				}
				want := httptest.NewRecorder()
				routes.ServeHTTP(want, r)
				got := httptest.NewRecorder()
				if !pub.ServePolling(got, r) {
					t.Fatalf("ServePolling did not serve %s %s", req.method, req.target)
				}
				name := req.method + " " + req.target + " from " + origin
				if got.Code != want.Code {
					t.Errorf("%s with %q: status %d, want %d", name, allowed, got.Code, want.Code)
				}
				for key, values := range want.Header() {
					if !slices.Equal(got.Header()[key], values) {
						t.Errorf("%s with %q: %s = %q, want %q", name, allowed, key, got.Header()[key], values)
					}
				}
				if len(got.Header()) != len(want.Header()) {
					t.Errorf("%s with %q: headers %q, want %q", name, allowed, got.Header(), want.Header())
				}
			}
		}
	}
}

func TestServePolling_LeavesOtherRequests(t *testing.T) {
	pub := mustMatchPublisher(t, newMemStore(), nil)
	for _, req := range []struct{ method, target string }{
		{http.MethodOptions, "/live/C0LIVE01/updates"},
		{http.MethodPut, "/live/C0LIVE01/updates"},
		{http.MethodGet, "/live/election"},
		{http.MethodGet, "/widget.js"},
	} {
		w := httptest.NewRecorder()
		if pub.ServePolling(w, httptest.NewRequest(req.method, req.target, nil)) {
			t.Errorf("ServePolling served %s %s", req.method, req.target)
		}
		if len(w.Header()) != 0 {
			t.Errorf("ServePolling set headers on %s %s: %q", req.method, req.target, w.Header())
		}
	}
}

func mustMatchPublisher(t *testing.T, store *memStore, origins []string) *Publisher {
	t.Helper()
	channels, err := bridge.NewChannels([]bridge.Channel{{ID: testChannel, Slug: "election"}})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := New(Config{
		Channels: channels, Posts: store, AllowedOrigins: origins,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now:    func() time.Time { return time.Unix(1900000000, 0) },
	})
	if err != nil {
		t.Fatal(err)
	}
	return pub
}
