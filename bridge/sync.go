package bridge

import (
	"context"
	"time"
)

// SyncState records how far a channel's history has been reconciled with
// Slack's own copy of it, so catch-up can tell which window it has covered.
type SyncState struct {
	ChannelID string
	// Oldest is the Slack ts where the covered window starts: catch-up
	// fetches history from here on every run.
	Oldest string
	// Latest is the Slack ts up to which the last run fetched every
	// message.
	Latest string
	// SyncedAt is when the last run finished.
	SyncedAt time.Time
}

// SyncStore is the storage that catch-up needs: the post writer, the sync
// state and the posts inside a window.
type SyncStore interface {
	PostWriter
	// SyncState returns the channel's sync state, or an error wrapping
	// ErrNotFound before the first run.
	SyncState(ctx context.Context, channelID string) (SyncState, error)
	// SaveSyncState records s, replacing the channel's earlier state.
	SaveSyncState(ctx context.Context, s SyncState) error
	// OldestTS returns the ts of the channel's oldest post, tombstones
	// included, or an error wrapping ErrNotFound when none is stored.
	OldestTS(ctx context.Context, channelID string) (string, error)
	// PostsBetween returns the channel's live posts whose ts is from
	// oldest to latest, both included, oldest first. Tombstones are left
	// out.
	PostsBetween(ctx context.Context, channelID, oldest, latest string) ([]Post, error)
}
