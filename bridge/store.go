package bridge

import (
	"context"
	"errors"
)

// ErrNotFound means the channel or post does not exist.
var ErrNotFound = errors.New("not found")

// PostWriter applies changes. Each Apply merges the change with Merge and
// commits the result and the channel clock in one durable transaction
// before it returns.
type PostWriter interface {
	Apply(ctx context.Context, c Change) (Outcome, error)
}

// PostReader reads what readers see.
type PostReader interface {
	// LastUpdate returns the channel's clock; zero before any change.
	LastUpdate(ctx context.Context, channelID string) (Stamp, error)
	// Posts returns the channel's live posts, hidden ones included,
	// oldest first. Tombstones are left out.
	Posts(ctx context.Context, channelID string) ([]Post, error)
	// PostsSince returns the live posts changed at or after since,
	// oldest first, and the clock read in the same snapshot.
	PostsSince(ctx context.Context, channelID string, since Stamp) ([]Post, Stamp, error)
}

// ChangeReader reads a channel's changes in commit order, for readers that
// keep their own copy of a channel and patch it.
type ChangeReader interface {
	// ChangesSince returns the posts whose last visible change came after
	// since, tombstones included, in the order the changes were committed,
	// and the channel clock read in the same snapshot.
	ChangesSince(ctx context.Context, channelID string, since Stamp) ([]Post, Stamp, error)
}
