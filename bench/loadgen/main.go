// Command loadgen drives a Liveline server on 127.0.0.1 for bench/run.sh.
// It acts as Slack by sending signed Events API requests, and as readers by
// polling. Every mode stops by itself after a bounded count or
// duration.
//
//	loadgen ingest -url URL -secret S -channels C1,C2 -n 500 -concurrency 8
//	loadgen idle -url URL -channel C -conns 2000 -duration 20s
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/liveline/liveline/receiver"
)

// pollPause is the pause between a visibility poller's GETs. It bounds the
// poller's own load on the server and adds up to its length to the
// measured visibility time.
const pollPause = 10 * time.Millisecond

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: loadgen ingest|idle [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "ingest":
		err = runIngest(os.Args[2:])
	case "idle":
		err = runIdle(os.Args[2:])
	default:
		err = fmt.Errorf("unknown mode %q: use ingest or idle", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

// ingestResult is the JSON line that ingest prints.
type ingestResult struct {
	Events       int     `json:"events"`
	Channels     int     `json:"channels"`
	Seconds      float64 `json:"seconds"`
	EventsPerSec float64 `json:"events_per_sec"`
	AckP50Ms     float64 `json:"ack_p50_ms"`
	AckP99Ms     float64 `json:"ack_p99_ms"`
	VisibleP50Ms float64 `json:"visible_p50_ms"`
	VisibleP99Ms float64 `json:"visible_p99_ms"`
	Errors       int64   `json:"errors"`
}

// runIngest sends n new messages to each channel from concurrency workers,
// each as soon as the previous one was acknowledged, while one poller per
// channel records when each post first appears in a GET.
func runIngest(args []string) error {
	fs := flag.NewFlagSet("ingest", flag.ExitOnError)
	base := fs.String("url", "http://127.0.0.1:8080", "server base URL")
	secret := fs.String("secret", "", "Slack signing secret the server checks")
	channelList := fs.String("channels", "", "comma-separated channel ids")
	n := fs.Int("n", 500, "messages per channel")
	concurrency := fs.Int("concurrency", 8, "requests in flight")
	poll := fs.Bool("poll", true, "measure the time until each post is visible in a GET")
	start := fs.Int64("start", 1700000000, "Slack ts seconds of the first message")
	fs.Parse(args)
	channels := strings.Split(*channelList, ",")
	if *secret == "" || *channelList == "" {
		return fmt.Errorf("ingest: missing -secret or -channels")
	}

	type job struct {
		channel, ts string
		index       int
	}
	jobs := make(chan job)
	sent := sync.Map{} // channel/ts -> send time
	var acks []time.Duration
	var acksMu sync.Mutex
	var errors atomic.Int64
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		MaxIdleConnsPerHost: *concurrency}}

	ctx, stopPolling := context.WithCancel(context.Background())
	visible := make(chan []time.Duration, len(channels))
	for _, ch := range channels {
		go func() { visible <- pollVisible(ctx, *base, ch, &sent, *poll) }()
	}

	var wg sync.WaitGroup
	began := time.Now()
	for w := 0; w < *concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				body := messageEvent(j.channel, j.ts, j.index)
				t0 := time.Now()
				sent.Store(j.channel+"/"+j.ts, t0)
				err := receiver.PostEvent(context.Background(), client, *base+"/slack/events", *secret, body)
				if err != nil {
					errors.Add(1)
					continue
				}
				acksMu.Lock()
				acks = append(acks, time.Since(t0))
				acksMu.Unlock()
			}
		}()
	}
	for i := 0; i < *n; i++ {
		for _, ch := range channels {
			ts := fmt.Sprintf("%d.%06d", *start+int64(i), 100)
			jobs <- job{channel: ch, ts: ts, index: i}
		}
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(began)
	time.Sleep(300 * time.Millisecond) // let pollers see the last posts
	stopPolling()
	var seen []time.Duration
	for range channels {
		seen = append(seen, <-visible...)
	}

	res := ingestResult{Events: *n * len(channels), Channels: len(channels),
		Seconds: elapsed.Seconds(), Errors: errors.Load()}
	res.EventsPerSec = float64(len(acks)) / elapsed.Seconds()
	res.AckP50Ms, res.AckP99Ms = percentileMs(acks, 0.50), percentileMs(acks, 0.99)
	res.VisibleP50Ms, res.VisibleP99Ms = percentileMs(seen, 0.50), percentileMs(seen, 0.99)
	return json.NewEncoder(os.Stdout).Encode(res)
}

// pollVisible GETs the channel's updates every pollPause, far more often
// than a reader's browser would, and returns for each new post the time from its
// request being sent to its first appearance.
func pollVisible(ctx context.Context, base, channel string, sent *sync.Map, enabled bool) []time.Duration {
	if !enabled {
		<-ctx.Done()
		return nil
	}
	client := &http.Client{Timeout: 5 * time.Second}
	since := "0"
	seen := map[string]bool{}
	var out []time.Duration
	for ctx.Err() == nil {
		time.Sleep(pollPause)
		var u struct {
			Updates map[string]json.RawMessage `json:"updates"`
			Last    json.Number                `json:"lastUpdateTimestamp"`
		}
		resp, err := client.Get(base + "/live/" + channel + "/updates?last_update_ts=" + since)
		if err != nil {
			continue
		}
		dec := json.NewDecoder(resp.Body)
		dec.UseNumber()
		err = dec.Decode(&u)
		resp.Body.Close()
		if err != nil {
			continue
		}
		now := time.Now()
		for ts := range u.Updates {
			if seen[ts] {
				continue
			}
			if t0, ok := sent.Load(channel + "/" + ts); ok {
				seen[ts] = true
				out = append(out, now.Sub(t0.(time.Time)))
			}
		}
		since = u.Last.String()
	}
	return out
}

// messageEvent returns a signed-to-be Events API body for a new message of
// about 300 characters with mrkdwn, a link and, every fifth one, a list.
func messageEvent(channel, ts string, i int) []byte {
	text := fmt.Sprintf("*Update %d:* turnout in the northern districts is up on the last "+
		"election, officials say, with queues reported at <https://example.org/polls/%d|several "+
		"stations>. Counting starts at 10pm; first results are expected around 1am. "+
		"_Figures are provisional._", i, i)
	if i%5 == 0 {
		text += "\n• Northern: 61%\n• Southern: 54%\n• Coastal: 58%"
	}
	event := map[string]any{
		"type": "message", "user": "U0REPORTER", "text": text, "ts": ts,
		"channel": channel, "event_ts": ts, "channel_type": "channel",
	}
	body, _ := json.Marshal(map[string]any{
		"token": "unused", "team_id": "T0BENCH00", "api_app_id": "A0BENCH00",
		"type": "event_callback", "event_id": "Ev" + channel + strings.ReplaceAll(ts, ".", ""),
		"event_time": time.Now().Unix(), "event": event,
	})
	return body
}

func percentileMs(d []time.Duration, p float64) float64 {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(p * float64(len(s)-1))
	return float64(s[i].Microseconds()) / 1000
}

// runIdle opens conns keep-alive connections that each send a HEAD every
// interval, as readers' browsers do, until duration has passed, and prints
// how many requests failed.
func runIdle(args []string) error {
	fs := flag.NewFlagSet("idle", flag.ExitOnError)
	base := fs.String("url", "http://127.0.0.1:8080", "server base URL")
	channel := fs.String("channel", "", "channel id to poll")
	conns := fs.Int("conns", 2000, "keep-alive connections")
	interval := fs.Duration("interval", 3*time.Second, "time between one connection's requests")
	duration := fs.Duration("duration", 20*time.Second, "how long to keep the connections open")
	fs.Parse(args)

	deadline := time.Now().Add(*duration)
	var ok, failed atomic.Int64
	var wg sync.WaitGroup
	for c := 0; c < *conns; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// One transport per reader, so each keeps its own connection.
			tr := &http.Transport{MaxIdleConnsPerHost: 1}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
			time.Sleep(time.Duration(c) * *interval / time.Duration(*conns))
			for time.Now().Before(deadline) {
				req, _ := http.NewRequest(http.MethodHead, *base+"/live/"+*channel+"/updates", nil)
				resp, err := client.Do(req)
				if err != nil || resp.StatusCode != http.StatusOK {
					failed.Add(1)
				} else {
					ok.Add(1)
					resp.Body.Close()
				}
				time.Sleep(*interval)
			}
		}()
	}
	wg.Wait()
	return json.NewEncoder(os.Stdout).Encode(map[string]int64{
		"connections": int64(*conns), "requests": ok.Load(), "failed": failed.Load()})
}
