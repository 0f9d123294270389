package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/liveline/liveline/bridge"
	"github.com/liveline/liveline/publisher"
)

// refreshSnapshots makes every committed change that readers see patch the
// publisher's snapshot of its channel before the store's Apply returns,
// for every writer: the receiver, the job worker and catch-up. So a post
// is visible to the next poll by the time Slack gets its 200.
func refreshSnapshots(db interface {
	OnCommit(func(context.Context, bridge.Change, bridge.Outcome))
}, pub *publisher.Publisher, outside *outsideWrites, log *slog.Logger) {
	log = log.With("component", "snapshot")
	db.OnCommit(func(ctx context.Context, c bridge.Change, out bridge.Outcome) {
		outside.committed(c.ChannelID, out.Stamp)
		// A failed refresh is logged, not returned: the change is already
		// durable and Slack must not send it again. The snapshot stays
		// stale and reloads on the next reader request.
		if err := pub.Refresh(ctx, c.ChannelID); err != nil {
			pub.Invalidate(c.ChannelID)
			log.Error("failed to refresh channel snapshot", "channel_id", c.ChannelID,
				"slack_ts", c.TS, "error", err)
		}
	})
}

// outsideWriteInterval is how often serve checks the database for changes
// committed by another process, such as "liveline backfill".
const outsideWriteInterval = time.Second

// outsideWrites refreshes a channel's snapshot when the channel's stored
// clock moved past the last change this process saw: another process
// wrote to the database, so no OnCommit hook ran here.
type outsideWrites struct {
	posts    bridge.PostReader
	pub      *publisher.Publisher
	channels []bridge.Channel
	log      *slog.Logger

	mu   sync.Mutex
	seen map[string]bridge.Stamp

	cancel context.CancelFunc
	done   chan struct{}
}

func newOutsideWrites(posts bridge.PostReader, pub *publisher.Publisher, channels []bridge.Channel, log *slog.Logger) *outsideWrites {
	return &outsideWrites{posts: posts, pub: pub, channels: channels,
		log: log.With("component", "snapshot"), seen: map[string]bridge.Stamp{}}
}

// committed records a change this process made, so check does not
// refresh for it again.
func (o *outsideWrites) committed(channelID string, s bridge.Stamp) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if s > o.seen[channelID] {
		o.seen[channelID] = s
	}
}

// check refreshes each channel whose stored clock is ahead of what this
// process saw.
func (o *outsideWrites) check(ctx context.Context) {
	for _, ch := range o.channels {
		stored, err := o.posts.LastUpdate(ctx, ch.ID)
		if err != nil {
			o.log.Warn("failed to read channel clock", "channel_id", ch.ID, "error", err)
			continue
		}
		o.mu.Lock()
		behind := stored > o.seen[ch.ID]
		o.mu.Unlock()
		if !behind {
			continue
		}
		if err := o.pub.Refresh(ctx, ch.ID); err != nil {
			o.pub.Invalidate(ch.ID)
			o.log.Error("failed to refresh channel snapshot", "channel_id", ch.ID, "error", err)
			continue
		}
		o.log.Info("picked up changes written by another process", "channel_id", ch.ID)
		o.committed(ch.ID, stored)
	}
}

// start records the current clocks, then checks every interval until stop.
func (o *outsideWrites) start(interval time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	o.cancel, o.done = cancel, make(chan struct{})
	for _, ch := range o.channels {
		if s, err := o.posts.LastUpdate(ctx, ch.ID); err == nil {
			o.committed(ch.ID, s)
		}
	}
	go func() {
		defer close(o.done)
		ticker := time.NewTicker(interval)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
				o.check(ctx)
			}
		}
	}()
}

func (o *outsideWrites) stop() {
	if o.cancel != nil {
		o.cancel()
		<-o.done
	}
}
