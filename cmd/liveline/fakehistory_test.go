package main

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/liveline/liveline/bridge"
)

// fakeHistory is a local stand-in for Slack's conversations.history and
// conversations.replies. It pages by a numeric cursor and can respond 429
// once to a cursor request. Like Slack, history lists thread parents with
// reply_count and latest_reply, and leaves out replies not sent to the
// channel. Replies lists a thread's parent first, then its replies.
type fakeHistory struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	history  map[string][]map[string]any // messages by channel id
	pageSize int
	// limitNextCursor makes the next request that carries a cursor get
	// a 429 with Retry-After: 1.
	limitNextCursor bool

	// limitNextReplies makes the next conversations.replies request get a
	// 429 with Retry-After: 1.
	limitNextReplies bool

	calls       int // history requests, 429s included
	cursorCalls int // history requests that carried a cursor
	limited     int // 429 responses sent to history requests
	// replies counts conversations.replies requests by channel, 429s
	// included.
	replies map[string]int
	// replyCursorCalls counts conversations.replies requests that carried
	// a cursor.
	replyCursorCalls int
}

func newFakeHistory(t *testing.T, pageSize int) *fakeHistory {
	t.Helper()
	f := &fakeHistory{t: t, history: map[string][]map[string]any{}, pageSize: pageSize,
		replies: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /conversations.history", f.serveHistory)
	mux.HandleFunc("POST /conversations.replies", f.serveReplies)
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

// replyCounts returns the conversations.replies requests for channel and
// those, in any channel, that carried a cursor.
func (f *fakeHistory) replyCounts(channel string) (calls, cursorCalls int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.replies[channel], f.replyCursorCalls
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
	f.writePage(w, r, msgs)
}

// writePage writes the page of msgs that the request's cursor and limit
// select.
func (f *fakeHistory) writePage(w http.ResponseWriter, r *http.Request, msgs []map[string]any) {
	offset, _ := strconv.Atoi(r.PostForm.Get("cursor"))
	limit, _ := strconv.Atoi(r.PostForm.Get("limit"))
	if limit <= 0 || limit > f.pageSize {
		limit = f.pageSize
	}
	offset = min(offset, len(msgs))
	end := min(offset+limit, len(msgs))
	next := ""
	if end < len(msgs) {
		next = strconv.Itoa(end)
	}
	writeJSON(w, map[string]any{"ok": true, "messages": msgs[offset:end], "has_more": next != "",
		"response_metadata": map[string]any{"next_cursor": next}})
}

func (f *fakeHistory) serveReplies(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	channel := r.PostForm.Get("channel")
	f.replies[channel]++
	if r.PostForm.Get("token") != testBotToken {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	if r.PostForm.Get("cursor") != "" {
		f.replyCursorCalls++
	}
	if f.limitNextReplies {
		f.limitNextReplies = false
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	msgs := f.thread(channel, r.PostForm.Get("ts"), r.PostForm.Get("oldest"), r.PostForm.Get("latest"))
	if len(msgs) == 0 {
		writeJSON(w, map[string]any{"ok": false, "error": "thread_not_found"})
		return
	}
	f.writePage(w, r, msgs)
}

// thread returns the parent with ts and its replies from oldest to
// latest, oldest first. The parent comes first even outside that range.
func (f *fakeHistory) thread(channel, ts, oldest, latest string) []map[string]any {
	var parent map[string]any
	var replies []map[string]any
	for _, m := range f.history[channel] {
		switch {
		case m["ts"] == ts:
			parent = m
		case m["thread_ts"] == ts && inRange(m["ts"].(string), oldest, latest):
			replies = append(replies, m)
		}
	}
	if parent == nil {
		return nil
	}
	slices.SortFunc(replies, func(a, b map[string]any) int {
		return bridge.CompareTS(a["ts"].(string), b["ts"].(string))
	})
	return append([]map[string]any{parent}, replies...)
}

// inRange reports whether ts is from oldest to latest, both included; an
// empty bound is open.
func inRange(ts, oldest, latest string) bool {
	if oldest != "" && bridge.CompareTS(ts, oldest) < 0 {
		return false
	}
	return latest == "" || bridge.CompareTS(ts, latest) <= 0
}

// isPlainReply reports whether m is a thread reply not sent to the
// channel, which conversations.history leaves out.
func isPlainReply(m map[string]any) bool {
	thread, _ := m["thread_ts"].(string)
	return thread != "" && thread != m["ts"] && m["subtype"] != "thread_broadcast"
}

// window returns the channel's messages from oldest to latest, both
// included, newest first as Slack lists them. Plain replies are left
// out, and each parent carries reply_count and latest_reply.
func (f *fakeHistory) window(channel, oldest, latest string) []map[string]any {
	var out []map[string]any
	for _, m := range f.history[channel] {
		if isPlainReply(m) || !inRange(m["ts"].(string), oldest, latest) {
			continue
		}
		out = append(out, f.withReplyCount(channel, m))
	}
	slices.SortFunc(out, func(a, b map[string]any) int {
		return bridge.CompareTS(b["ts"].(string), a["ts"].(string))
	})
	return out
}

// withReplyCount returns m with the reply_count and latest_reply of its
// thread, or m itself when it has no replies.
func (f *fakeHistory) withReplyCount(channel string, m map[string]any) map[string]any {
	count, latestReply := 0, ""
	for _, r := range f.history[channel] {
		if r["thread_ts"] != m["ts"] || r["ts"] == m["ts"] {
			continue
		}
		count++
		if ts := r["ts"].(string); latestReply == "" || bridge.CompareTS(ts, latestReply) > 0 {
			latestReply = ts
		}
	}
	if count == 0 {
		return m
	}
	out := maps.Clone(m)
	out["reply_count"], out["latest_reply"], out["thread_ts"] = count, latestReply, m["ts"]
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
