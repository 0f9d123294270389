package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/liveline/liveline/bridge"
)

var _ bridge.ChangeReader = (*DB)(nil)

// ChangesSince returns the posts changed after since, tombstones included,
// oldest change first, with the channel clock read in the same read
// transaction. A tombstone for a message that was never stored keeps
// updated = 0 and so never appears.
func (db *DB) ChangesSince(ctx context.Context, channelID string, since bridge.Stamp) ([]bridge.Post, bridge.Stamp, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, fmt.Errorf("list changes of %s: %w", channelID, err)
	}
	defer tx.Rollback()

	last, err := lastUpdate(ctx, tx, channelID)
	if err != nil {
		return nil, 0, err
	}
	if last <= since {
		return nil, last, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+postColumns+` FROM posts
		WHERE channel_id = ? AND updated > ? ORDER BY updated`, channelID, int64(since))
	if err != nil {
		return nil, 0, fmt.Errorf("list changes of %s: %w", channelID, err)
	}
	posts, err := scanPosts(rows)
	if err != nil {
		return nil, 0, err
	}
	return posts, last, nil
}
