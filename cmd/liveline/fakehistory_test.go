package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/liveline/liveline/bridge"
)

// fakeHistory is a local stand-in for Slack's conversations.history. It
// pages by a numeric cursor and can respond 429 once to a cursor request.
type fakeHistory struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	history  map[string][]map[string]any // messages by channel id
	pageSize int
	// limitNextCursor makes the next request that carries a cursor get
	// a 429 with Retry-After: 1.
	limitNextCursor bool

	calls       int // requests, 429s included
	cursorCalls int // requests that carried a cursor
	limited     int // 429 responses sent
}

func newFakeHistory(t *testing.T, pageSize int) *fakeHistory {
	t.Helper()
	f := &fakeHistory{t: t, history: map[string][]map[string]any{}, pageSize: pageSize}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /conversations.history", f.serveHistory)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// url returns the base URL to set as slack.api_url.
func (f *fakeHistory) url() string { return f.srv.URL + "/" }

// put adds msg to the channel's history, replacing the message with the
// same ts.
func (f *fakeHistory) put(channel string, msg map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.history[channel] = slices.DeleteFunc(f.history[channel], func(m map[string]any) bool {
		return m["ts"] == msg["ts"]
	})
	f.history[channel] = append(f.history[channel], msg)
}

// remove deletes the message with ts from the channel's history.
func (f *fakeHistory) remove(channel, ts string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.history[channel] = slices.DeleteFunc(f.history[channel], func(m map[string]any) bool {
		return m["ts"] == ts
	})
}

func (f *fakeHistory) counts() (calls, cursorCalls, limited int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls, f.cursorCalls, f.limited
}

func (f *fakeHistory) serveHistory(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if r.PostForm.Get("token") != testBotToken {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	cursor := r.PostForm.Get("cursor")
	if cursor != "" {
		f.cursorCalls++
		if f.limitNextCursor {
			f.limitNextCursor = false
			f.limited++
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
	}
	msgs := f.window(r.PostForm.Get("channel"), r.PostForm.Get("oldest"), r.PostForm.Get("latest"))
	offset, _ := strconv.Atoi(cursor)
	limit, _ := strconv.Atoi(r.PostForm.Get("limit"))
	if limit <= 0 || limit > f.pageSize {
		limit = f.pageSize
	}
	end := min(offset+limit, len(msgs))
	next := ""
	if end < len(msgs) {
		next = strconv.Itoa(end)
	}
	writeJSON(w, map[string]any{"ok": true, "messages": msgs[offset:end], "has_more": next != "",
		"response_metadata": map[string]any{"next_cursor": next}})
}

// window returns the channel's messages from oldest to latest, both
// included, newest first as Slack lists them.
func (f *fakeHistory) window(channel, oldest, latest string) []map[string]any {
	var out []map[string]any
	for _, m := range f.history[channel] {
		ts := m["ts"].(string)
		if oldest != "" && bridge.CompareTS(ts, oldest) < 0 {
			continue
		}
		if latest != "" && bridge.CompareTS(ts, latest) > 0 {
			continue
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b map[string]any) int {
		return bridge.CompareTS(b["ts"].(string), a["ts"].(string))
	})
	return out
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// historyMessage returns a message as conversations.history lists it.
func historyMessage(ts, text string) map[string]any {
	return map[string]any{"type": "message", "user": "U0TEST01", "text": text, "ts": ts}
}
