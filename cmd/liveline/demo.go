package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
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

// runDemo replays the transcript into channelID through the signed HTTP
// path of the server at baseURL. Message times are moved so that the
// first event happens now.
func runDemo(ctx context.Context, baseURL, secret, channelID string, pace time.Duration, log *slog.Logger) {
	log = log.With("component", "demo", "channel_id", channelID)
	var events []json.RawMessage
	if err := json.Unmarshal(demoTranscript, &events); err != nil {
		log.Error("failed to read demo transcript", "error", err)
		return
	}
	log.Info("demo started", "events", len(events), "pace", pace)
	shift := time.Now().Unix() - firstEventTime(events)
	client := &http.Client{Timeout: 5 * time.Second}
	for i, raw := range events {
		body, err := retimeEvent(raw, shift, channelID)
		if err != nil {
			log.Error("failed to prepare demo event", "index", i, "error", err)
			return
		}
		if err := postEvent(ctx, client, baseURL, secret, body); err != nil {
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

func firstEventTime(events []json.RawMessage) int64 {
	var first struct {
		EventTime int64 `json:"event_time"`
	}
	if len(events) > 0 {
		json.Unmarshal(events[0], &first)
	}
	return first.EventTime
}

// tsKeys are the keys whose values are Slack ts strings.
var tsKeys = map[string]bool{"ts": true, "event_ts": true, "deleted_ts": true, "thread_ts": true}

// retimeEvent moves every ts in an event by shift seconds, keeping the
// fraction, and points it at channelID.
func retimeEvent(raw json.RawMessage, shift int64, channelID string) ([]byte, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	var walk func(any)
	walk = func(node any) {
		switch n := node.(type) {
		case map[string]any:
			for key, value := range n {
				s, isString := value.(string)
				switch {
				case isString && tsKeys[key]:
					n[key] = shiftTS(s, shift)
				case isString && key == "channel":
					n[key] = channelID
				case key == "event_time":
					if f, ok := value.(float64); ok {
						n[key] = int64(f) + shift
					}
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

func shiftTS(ts string, shift int64) string {
	if _, err := bridge.ParseTS(ts); err != nil {
		return ts
	}
	secs, frac, _ := strings.Cut(ts, ".")
	n, _ := strconv.ParseInt(secs, 10, 64)
	return strconv.FormatInt(n+shift, 10) + "." + frac
}

func postEvent(ctx context.Context, client *http.Client, baseURL, secret string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+"/slack/events",
		bytes.NewReader(body))
	if err != nil {
		return err
	}
	receiver.SignRequest(req.Header, secret, body, time.Now())
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("receiver responded with %s", resp.Status)
	}
	return nil
}
