package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/liveline/liveline/receiver"
	"github.com/liveline/liveline/store"
)

// newCatchUp returns the catch-up for cfg's channels, or nil when
// slack.bot_token is empty. wait pauses before a call retried after a 429.
func newCatchUp(cfg *Config, rc *receiver.Receiver, db *store.DB, wait func(context.Context, time.Duration) error) (*receiver.CatchUp, error) {
	if cfg.Slack.BotToken == "" {
		return nil, nil
	}
	return rc.NewCatchUp(receiver.CatchUpConfig{
		BotToken: cfg.Slack.BotToken,
		APIURL:   cfg.Slack.APIURL,
		Store:    db,
		Wait:     wait,
	})
}

// catchUpLoop runs catch-up of every mapped channel in one goroutine, so
// runs never overlap: on start and every interval unless interval is 0,
// and whenever request is called.
type catchUpLoop struct {
	catchUp  *receiver.CatchUp // nil when slack.bot_token is empty
	interval time.Duration
	log      *slog.Logger
	demo     bool // off on purpose, so start does not warn

	requests chan struct{}
	cancel   context.CancelFunc
	done     chan struct{}
}

func newCatchUpLoop(c *receiver.CatchUp, interval time.Duration, log *slog.Logger) *catchUpLoop {
	return &catchUpLoop{catchUp: c, interval: interval, log: log.With("component", "catchup"),
		requests: make(chan struct{}, 1)}
}

// request schedules a run for when the current one, if any, ends.
// Requests made during a run are merged into one.
func (l *catchUpLoop) request() {
	if l.catchUp == nil {
		l.log.Warn("catch-up requested but slack.bot_token is empty; set it to catch up")
		return
	}
	select {
	case l.requests <- struct{}{}:
	default:
	}
}

// start starts the goroutine. Without a bot token it only logs that
// catch-up is off.
func (l *catchUpLoop) start() {
	if l.catchUp == nil && l.demo {
		l.log.Info("catch-up is off: the demo makes no Slack Web API calls")
		return
	}
	if l.catchUp == nil {
		l.log.Warn("catch-up is off: slack.bot_token is empty, so messages sent while " +
			"liveline was down are not added")
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	l.cancel, l.done = cancel, make(chan struct{})
	go l.run(ctx)
}

func (l *catchUpLoop) run(ctx context.Context) {
	defer close(l.done)
	var tick <-chan time.Time
	if l.interval > 0 {
		ticker := time.NewTicker(l.interval)
		defer ticker.Stop()
		tick = ticker.C
		l.runOnce(ctx)
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
		case <-l.requests:
		}
		l.runOnce(ctx)
	}
}

func (l *catchUpLoop) runOnce(ctx context.Context) {
	if _, err := l.catchUp.All(ctx); err != nil && ctx.Err() == nil {
		l.log.Error("catch-up failed; the next run tries again", "error", err)
	}
}

// stop cancels a run in progress and waits until the goroutine ends or
// ctx ends.
func (l *catchUpLoop) stop(ctx context.Context) {
	if l.cancel == nil {
		return
	}
	l.cancel()
	select {
	case <-l.done:
	case <-ctx.Done():
	}
}
