package main

import (
	"context"
	"log/slog"

	"github.com/liveline/liveline/bridge"
	"github.com/liveline/liveline/publisher"
)

// refreshingWriter commits each change through the store and then patches
// the publisher's snapshot of the channel, so the change is visible to
// readers by the time Apply returns. Every writer in the App must go
// through it; a change committed around it stays invisible until the next
// change to that channel.
type refreshingWriter struct {
	next bridge.PostWriter
	pub  *publisher.Publisher
	log  *slog.Logger
}

var _ bridge.PostWriter = (*refreshingWriter)(nil)

// Apply commits c and refreshes the snapshot when readers see a change. A
// failed refresh is logged and not returned, because the change is already
// durable and Slack must not send it again. The snapshot stays marked
// stale and reloads on the next reader request.
func (w *refreshingWriter) Apply(ctx context.Context, c bridge.Change) (bridge.Outcome, error) {
	out, err := w.next.Apply(ctx, c)
	if err != nil {
		w.pub.Invalidate(c.ChannelID)
		return out, err
	}
	if !out.Changed {
		return out, nil
	}
	if err := w.pub.Refresh(ctx, c.ChannelID); err != nil {
		w.log.Error("failed to refresh channel snapshot", "channel_id", c.ChannelID,
			"slack_ts", c.TS, "error", err)
	}
	return out, nil
}
