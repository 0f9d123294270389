package main

import (
	"context"
	"log/slog"

	"github.com/liveline/liveline/bridge"
	"github.com/liveline/liveline/publisher"
)

// refreshSnapshots makes every committed change that readers see patch the
// publisher's snapshot of its channel before the store's Apply returns,
// whoever applied it: the receiver, the job worker or catch-up. So a post
// is visible to the next poll by the time Slack gets its 200.
func refreshSnapshots(db interface {
	OnCommit(func(context.Context, bridge.Change, bridge.Outcome))
}, pub *publisher.Publisher, log *slog.Logger) {
	log = log.With("component", "snapshot")
	db.OnCommit(func(ctx context.Context, c bridge.Change, _ bridge.Outcome) {
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
