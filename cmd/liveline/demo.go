package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/liveline/liveline/bridge"
	"github.com/liveline/liveline/receiver"
)

// demoTranscript is a sample election night as Slack Events API bodies,
// in the order Slack would send them.
//
//go:embed demo-transcript.json
var demoTranscript []byte

// demoPace is the pause between two demo events: a reporter's pace,
// slowed down enough to watch posts arrive, change and disappear.
const demoPace = 4 * time.Second

// demoDirectory names the transcript's invented reporters, standing in for
// Slack's users.info, which the demo never calls.
type demoDirectory struct{}

var demoUsers = map[string]string{"U0DEMO01": "Alex Morgan", "U0DEMO02": "Sam Patel"}

func (demoDirectory) UserName(_ context.Context, id string) (string, bool) {
	name, ok := demoUsers[id]
	return name, ok
}

func (demoDirectory) ChannelName(context.Context, string) (string, bool) { return "", false }

// demoAuthors are the transcript's invented reporters and bot.
var demoAuthors = map[string]bool{"U0DEMO01": true, "U0DEMO02": true, "B0DEMO001": true}

// runDemo replays the transcript into channelID through the signed HTTP
// path of the server at baseURL. It first deletes the posts an earlier
// demo left (prior, their ts), so a second run starts a fresh page. Each
// message gets the time it is sent, so the page reads as written now.
func runDemo(ctx context.Context, baseURL, secret, channelID string, prior []string, pace time.Duration, log *slog.Logger) {
	log = log.With("component", "demo", "channel_id", channelID)
	var events []json.RawMessage
	if err := json.Unmarshal(demoTranscript, &events); err != nil {
		log.Error("failed to read demo transcript", "error", err)
		return
	}
	client := &http.Client{Timeout: 5 * time.Second}
	if len(prior) > 0 {
		log.Info("deleting the posts of an earlier demo", "posts", len(prior))
	}
	for _, ts := range prior {
		body := demoDeletion(channelID, ts)
		if err := receiver.PostEvent(ctx, client, baseURL+"/slack/events", secret, body); err != nil {
			log.Error("failed to delete earlier demo post", "slack_ts", ts, "error", err)
			return
		}
	}

	log.Info("demo started", "events", len(events), "pace", pace)
	clock := newDemoClock()
	for _, ts := range prior {
		// New posts must not reuse an earlier run's ts: its tombstone
		// would keep them off the page.
		if k, err := bridge.ParseTS(ts); err == nil && k.Seconds >= clock.last {
			clock.last = k.Seconds + 1
		}
	}
	for i, raw := range events {
		body, err := clock.retime(raw, channelID)
		if err != nil {
			log.Error("failed to prepare demo event", "index", i, "error", err)
			return
		}
		if err := receiver.PostEvent(ctx, client, baseURL+"/slack/events", secret, body); err != nil {
			log.Error("failed to send demo event", "index", i, "error", err)
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(pace):
		}
	}
	log.Info("demo finished; the page stays live", "events", len(events))
}

// demoPosts returns the ts of the posts in channelID written by the
// demo's invented authors.
func demoPosts(ctx context.Context, posts bridge.PostReader, channelID string) ([]string, error) {
	all, err := posts.Posts(ctx, channelID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range all {
		if demoAuthors[p.Author.ID] {
			out = append(out, p.TS)
		}
	}
	return out, nil
}

func demoDeletion(channelID, ts string) []byte {
	now := strconv.FormatInt(time.Now().Unix(), 10) + ".000000"
	body, _ := json.Marshal(map[string]any{
		"type": "event_callback", "event_id": "Ev0DEMODEL" + strings.ReplaceAll(ts, ".", ""),
		"event_time": time.Now().Unix(),
		"event": map[string]any{"type": "message", "subtype": "message_deleted", "hidden": true,
			"channel": channelID, "ts": now, "event_ts": now, "deleted_ts": ts},
	})
	return body
}

// tsKeys are the keys whose values are Slack ts strings.
var tsKeys = map[string]bool{"ts": true, "event_ts": true, "deleted_ts": true, "thread_ts": true}

// demoClock gives the transcript's ts values the time they are replayed.
// A ts seen for the first time becomes now in whole seconds, keeping its
// fraction, which is unique within the transcript. A ts seen before, as
// in an edit or a deletion, becomes what it became then. Seconds never go
// below last.
type demoClock struct {
	mapped map[string]string
	last   int64
	// shift, when not 0, moves every ts by this many seconds instead,
	// keeping the transcript's own spacing. Screenshots use it.
	shift int64
}

func newDemoClock() *demoClock {
	return &demoClock{mapped: map[string]string{}}
}

func (c *demoClock) ts(original string) string {
	if _, err := bridge.ParseTS(original); err != nil {
		return original
	}
	if ts, ok := c.mapped[original]; ok {
		return ts
	}
	secs := time.Now().Unix()
	if c.shift != 0 {
		orig, _, _ := strings.Cut(original, ".")
		n, _ := strconv.ParseInt(orig, 10, 64)
		secs = n + c.shift
	}
	if secs < c.last {
		secs = c.last
	}
	c.last = secs
	_, frac, _ := strings.Cut(original, ".")
	c.mapped[original] = strconv.FormatInt(secs, 10) + "." + frac
	return c.mapped[original]
}

// retime rewrites an event's ts values with c.ts, its event_time to now,
// and points it at channelID.
func (c *demoClock) retime(raw json.RawMessage, channelID string) ([]byte, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	var walk func(any)
	walk = func(node any) {
		switch n := node.(type) {
		case map[string]any:
			for _, key := range sortedKeys(n) {
				value := n[key]
				s, isString := value.(string)
				switch {
				case isString && tsKeys[key]:
					n[key] = c.ts(s)
				case isString && key == "channel":
					n[key] = channelID
				case key == "event_time":
					n[key] = c.eventTime(value)
				default:
					walk(value)
				}
			}
		case []any:
			for _, item := range n {
				walk(item)
			}
		}
	}
	walk(v)
	return json.Marshal(v)
}

func (c *demoClock) eventTime(value any) int64 {
	if f, ok := value.(float64); ok && c.shift != 0 {
		return int64(f) + c.shift
	}
	return time.Now().Unix()
}

// sortedKeys returns m's keys in order, so ts values are mapped in the
// same order on every run.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
