package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/liveline/liveline/bridge"
)

var _ bridge.SyncStore = (*DB)(nil)

// SyncState returns how far the channel's history has been reconciled, or
// an error wrapping bridge.ErrNotFound before the first catch-up.
func (db *DB) SyncState(ctx context.Context, channelID string) (bridge.SyncState, error) {
	s := bridge.SyncState{ChannelID: channelID}
	var syncedAt int64
	err := db.read.QueryRowContext(ctx, `SELECT oldest_ts, latest_ts, synced_at
		FROM channel_sync WHERE channel_id = ?`, channelID).Scan(&s.Oldest, &s.Latest, &syncedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("sync state of %s: %w", channelID, bridge.ErrNotFound)
	}
	if err != nil {
		return s, fmt.Errorf("read sync state of %s: %w", channelID, err)
	}
	s.SyncedAt = time.UnixMicro(syncedAt).UTC()
	return s, nil
}

// SaveSyncState records s, replacing the channel's earlier state.
func (db *DB) SaveSyncState(ctx context.Context, s bridge.SyncState) error {
	if !isValidChannelID(s.ChannelID) {
		return fmt.Errorf("save sync state: invalid channel id %q", s.ChannelID)
	}
	for _, ts := range []string{s.Oldest, s.Latest} {
		if _, err := bridge.ParseTS(ts); err != nil {
			return fmt.Errorf("save sync state of %s: %w", s.ChannelID, err)
		}
	}
	_, err := db.write.ExecContext(ctx, `INSERT INTO channel_sync
			(channel_id, oldest_ts, latest_ts, synced_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (channel_id) DO UPDATE SET oldest_ts = excluded.oldest_ts,
			latest_ts = excluded.latest_ts, synced_at = excluded.synced_at`,
		s.ChannelID, s.Oldest, s.Latest, s.SyncedAt.UnixMicro())
	if err != nil {
		return fmt.Errorf("save sync state of %s: %w", s.ChannelID, err)
	}
	return nil
}

// OldestTS returns the ts of the channel's oldest post, tombstones
// included, or an error wrapping bridge.ErrNotFound when none is stored.
func (db *DB) OldestTS(ctx context.Context, channelID string) (string, error) {
	var ts string
	err := db.read.QueryRowContext(ctx, `SELECT ts FROM posts WHERE channel_id = ?
		ORDER BY ts_seconds, ts_nanos, ts LIMIT 1`, channelID).Scan(&ts)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("oldest post of %s: %w", channelID, bridge.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("read oldest post of %s: %w", channelID, err)
	}
	return ts, nil
}

// PostsBetween returns the channel's live posts whose ts is from oldest to
// latest, both included, oldest first.
func (db *DB) PostsBetween(ctx context.Context, channelID, oldest, latest string) ([]bridge.Post, error) {
	from, err := bridge.ParseTS(oldest)
	if err != nil {
		return nil, fmt.Errorf("list posts of %s: %w", channelID, err)
	}
	to, err := bridge.ParseTS(latest)
	if err != nil {
		return nil, fmt.Errorf("list posts of %s: %w", channelID, err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+postColumns+` FROM posts
		WHERE channel_id = ? AND deleted = 0
			AND (ts_seconds, ts_nanos) >= (?, ?) AND (ts_seconds, ts_nanos) <= (?, ?)
		ORDER BY ts_seconds, ts_nanos, ts`,
		channelID, from.Seconds, from.Nanos, to.Seconds, to.Nanos)
	if err != nil {
		return nil, fmt.Errorf("list posts of %s: %w", channelID, err)
	}
	return scanPosts(rows)
}
