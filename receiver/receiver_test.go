package receiver

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liveline/liveline/bridge"
)

const testSecret = "test-signing-secret"

// syncBuffer is a bytes.Buffer safe for the handler's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func mustReceiver(t testing.TB, log *slog.Logger) (*Receiver, *memoryStore) {
	t.Helper()
	channels, err := bridge.NewChannels([]bridge.Channel{
		{ID: "C0LIVE01", Slug: "election"},
		{ID: "C0LIVE02", Slug: "budget", Threads: bridge.ThreadsAll},
	})
	if err != nil {
		t.Fatal(err)
	}
	posts := newMemoryStore()
	rc, err := New(Config{SigningSecret: testSecret, Channels: channels, Posts: posts, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	return rc, posts
}

// serve sends body to rc, signed at signedAt unless signedAt is zero.
func serve(rc *Receiver, body []byte, secret string, signedAt time.Time) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/events", bytes.NewReader(body))
	if !signedAt.IsZero() {
		SignRequest(req.Header, secret, body, signedAt)
	}
	w := httptest.NewRecorder()
	rc.ServeEvents(w, req)
	return w
}

const validMessage = `{"type":"event_callback","event_id":"Ev0VALID01","event":{"type":"message",` +
	`"user":"U0TEST01","text":"Polls close at 10pm.","ts":"1623321000.000100",` +
	`"channel":"C0LIVE01","channel_type":"channel"}}`

func TestReceiver_BadInput(t *testing.T) {
	oversize := append([]byte(`{"type":"event_callback","x":"`),
		bytes.Repeat([]byte("a"), MaxBodyBytes)...)
	oversize = append(oversize, `"}`...)
	now := time.Now()
	tests := []struct {
		name        string
		body        string
		secret      string
		signedAt    time.Time
		want        int
		wantReason  string // empty when the request is not rejected
		wantEventID string
	}{
		{"body over 1 MiB", string(oversize), testSecret, now, 413, "body too large", ""},
		{"malformed JSON", `{"type":"event_callback",`, testSecret, now, 400, "malformed JSON", ""},
		{"event without an event", `{"type":"event_callback","event_id":"Ev0EMPTY01"}`,
			testSecret, now, 400, "malformed event", "Ev0EMPTY01"},
		{"inner event not an object", `{"type":"event_callback","event_id":"Ev0ARRAY01","event":[1]}`,
			testSecret, now, 400, "malformed event", "Ev0ARRAY01"},
		{"invalid deleted_ts", `{"type":"event_callback","event_id":"Ev0BADTS01","event":{"type":"message",` +
			`"subtype":"message_deleted","channel":"C0LIVE01","ts":"1623321100.000100","deleted_ts":"yesterday"}}`,
			testSecret, now, 200, "", ""},
		{"invalid reaction ts", `{"type":"event_callback","event_id":"Ev0BADTS02","event":{"type":"reaction_added",` +
			`"user":"U0EDITOR","reaction":"no_entry_sign","item":{"type":"message","channel":"C0LIVE01","ts":"1e9"}}}`,
			testSecret, now, 200, "", ""},
		{"missing signature", validMessage, "", time.Time{}, 401, "invalid signature", ""},
		{"wrong secret", validMessage, "not-the-secret", now, 401, "invalid signature", ""},
		{"timestamp 6 minutes old", validMessage, testSecret, now.Add(-6 * time.Minute), 401, "invalid signature", ""},
		{"timestamp 6 minutes ahead", validMessage, testSecret, now.Add(6 * time.Minute), 401, "invalid signature", ""},
		{"unhandled event type", `{"type":"event_callback","event_id":"Ev0MENTION","event":{"type":"app_mention",` +
			`"user":"U0TEST01","text":"hi","ts":"1623321000.000100","channel":"C0LIVE01"}}`,
			testSecret, now, 200, "", ""},
		{"unknown envelope type", `{"type":"app_uninstalled_v9"}`, testSecret, now, 200, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs := &syncBuffer{}
			rc, posts := mustReceiver(t, slog.New(slog.NewTextHandler(logs, nil)))
			w := serve(rc, []byte(tt.body), tt.secret, tt.signedAt)
			if w.Code != tt.want {
				t.Errorf("status = %d, want %d", w.Code, tt.want)
			}
			if n := posts.writes(); n != 0 {
				t.Errorf("stored %d changes, want none", n)
			}
			if strings.Contains(tt.name, "invalid") && strings.Contains(tt.name, "ts") &&
				!strings.Contains(logs.String(), "ignored change with an invalid ts") {
				t.Errorf("invalid ts not logged: %s", logs)
			}
			rejections := strings.Count(logs.String(), "rejected slack request")
			if tt.wantReason == "" {
				if rejections != 0 {
					t.Errorf("logged a rejection for an accepted request: %s", logs)
				}
				return
			}
			if rejections != 1 {
				t.Errorf("rejections logged = %d, want 1: %s", rejections, logs)
			}
			if !strings.Contains(logs.String(), `reason="`+tt.wantReason+`"`) {
				t.Errorf("log lacks reason %q: %s", tt.wantReason, logs)
			}
			if tt.wantEventID != "" && !strings.Contains(logs.String(), "event_id="+tt.wantEventID) {
				t.Errorf("log lacks event_id=%s: %s", tt.wantEventID, logs)
			}
			if strings.Contains(w.Body.String(), testSecret) {
				t.Errorf("response echoes the signing secret")
			}
		})
	}
}

func TestReceiver_ValidMessageStored(t *testing.T) {
	rc, posts := mustReceiver(t, slog.New(slog.DiscardHandler))
	if w := serve(rc, []byte(validMessage), testSecret, time.Now()); w.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200", w.Code)
	}
	if n := posts.writes(); n != 1 {
		t.Errorf("stored %d changes, want 1", n)
	}
}

func TestLogLimiter_CountsSuppressed(t *testing.T) {
	l := newLogLimiter()
	written := 0
	for i := 0; i < rejectLogBurst+10; i++ {
		if _, ok := l.allow(); ok {
			written++
		}
	}
	if written < rejectLogBurst || written > rejectLogBurst+1 {
		t.Errorf("wrote %d of %d lines, want the burst of %d", written, rejectLogBurst+10, rejectLogBurst)
	}
	if got := l.suppressed.Load(); got < 9 {
		t.Errorf("suppressed count = %d, want at least 9", got)
	}
}
