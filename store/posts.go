package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/liveline/liveline/bridge"
)

// postColumns lists the columns that scanPost reads, in order.
const postColumns = `channel_id, ts, version, edited, author, blocks, source,
	hidden, deleted, updated`

// Apply merges c with the stored post in one transaction and, when readers
// see a difference, advances the channel clock in the same commit.
func (db *DB) Apply(ctx context.Context, c bridge.Change) (bridge.Outcome, error) {
	if !isValidChannelID(c.ChannelID) {
		return bridge.Outcome{}, fmt.Errorf("apply %s: invalid channel id %q", c.Op, c.ChannelID)
	}
	key, err := bridge.ParseTS(c.TS)
	if err != nil {
		return bridge.Outcome{}, fmt.Errorf("apply %s: %w", c.Op, err)
	}
	out, err := db.applyInTx(ctx, &c, key)
	if err != nil {
		return bridge.Outcome{}, fmt.Errorf("apply %s to %s: %w", c.Op, c.TS, err)
	}
	if out.Changed {
		if fn := db.onCommit.Load(); fn != nil {
			(*fn)(ctx, c, out)
		}
	}
	return out, nil
}

// applyInTx merges c in one write transaction and commits it. For a hide
// or show it first records the reaction, then sets c.Op to what the
// recorded reactions decide.
func (db *DB) applyInTx(ctx context.Context, c *bridge.Change, key bridge.TSKey) (bridge.Outcome, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return bridge.Outcome{}, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()

	stored, err := getPost(ctx, tx, c.ChannelID, c.TS)
	if err != nil && !errors.Is(err, bridge.ErrNotFound) {
		return bridge.Outcome{}, err
	}
	last, err := lastUpdate(ctx, tx, c.ChannelID)
	if err != nil {
		return bridge.Outcome{}, err
	}
	out := bridge.Outcome{Stamp: last}

	if c.Op == bridge.OpHide || c.Op == bridge.OpShow {
		hidden, err := updateHiders(ctx, tx, *c)
		if err != nil {
			return bridge.Outcome{}, err
		}
		if stored == nil {
			// The post is hidden when its message arrives, so the order
			// in which Slack delivers a reaction and its message does
			// not change what readers see.
			out.Reason = "message not stored yet; kept for when it arrives"
			return out, commit(tx)
		}
		c.Op = bridge.OpShow
		if hidden {
			c.Op = bridge.OpHide
		}
	}

	next, visible, reason := bridge.Merge(stored, *c)
	out.Reason = reason
	if next != nil {
		if out.Stamp, err = db.writeMerged(ctx, tx, c, stored == nil, next, visible, key, last); err != nil {
			return bridge.Outcome{}, err
		}
		out.Changed = visible
	}
	return out, commit(tx)
}

// writeMerged writes the merged post, advances the clock when readers see
// the change, and enqueues the change's jobs. It returns the clock.
func (db *DB) writeMerged(ctx context.Context, tx *sql.Tx, c *bridge.Change, isNew bool, next *bridge.Post, visible bool, key bridge.TSKey, last bridge.Stamp) (bridge.Stamp, error) {
	var err error
	if isNew && !next.Deleted {
		if next.Hidden, err = hasHiders(ctx, tx, c.ChannelID, c.TS); err != nil {
			return 0, err
		}
	}
	stamp := last
	if visible {
		stamp = bridge.NextStamp(last, db.now())
		next.Updated = stamp
		if err := setLastUpdate(ctx, tx, c.ChannelID, stamp); err != nil {
			return 0, err
		}
	}
	if err := putPost(ctx, tx, next, key); err != nil {
		return 0, err
	}
	if !next.Deleted {
		if err := enqueueJobs(ctx, tx, c.Jobs); err != nil {
			return 0, err
		}
	}
	return stamp, nil
}

func commit(tx *sql.Tx) error {
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// OnCommit sets fn to run after each committed change that readers see,
// before Apply returns, for every caller of Apply: the receiver, the job
// worker and catch-up. The publisher's snapshots use it to stay current. fn must
// not call Apply.
func (db *DB) OnCommit(fn func(ctx context.Context, c bridge.Change, out bridge.Outcome)) {
	db.onCommit.Store(&fn)
}

// updateHiders records who added or removed the hide reaction, or the
// whole set catch-up read from history, and returns whether anyone's
// hide reaction remains.
func updateHiders(ctx context.Context, tx *sql.Tx, c bridge.Change) (bool, error) {
	var err error
	switch {
	case c.ReplaceHiders:
		_, err = tx.ExecContext(ctx, `DELETE FROM hide_reactions WHERE channel_id = ? AND ts = ?`,
			c.ChannelID, c.TS)
		for _, user := range c.Hiders {
			if err == nil {
				_, err = tx.ExecContext(ctx, `INSERT OR IGNORE INTO hide_reactions
					(channel_id, ts, user_id) VALUES (?, ?, ?)`, c.ChannelID, c.TS, user)
			}
		}
	case c.Op == bridge.OpHide:
		_, err = tx.ExecContext(ctx, `INSERT OR IGNORE INTO hide_reactions (channel_id, ts, user_id)
			VALUES (?, ?, ?)`, c.ChannelID, c.TS, c.User)
	default:
		_, err = tx.ExecContext(ctx, `DELETE FROM hide_reactions
			WHERE channel_id = ? AND ts = ? AND user_id = ?`, c.ChannelID, c.TS, c.User)
	}
	if err != nil {
		return false, fmt.Errorf("record hide reaction: %w", err)
	}
	return hasHiders(ctx, tx, c.ChannelID, c.TS)
}

// hasHiders reports whether anyone's hide reaction is on the message.
func hasHiders(ctx context.Context, tx *sql.Tx, channelID, ts string) (bool, error) {
	var hidden bool
	err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM hide_reactions
		WHERE channel_id = ? AND ts = ?)`, channelID, ts).Scan(&hidden)
	if err != nil {
		return false, fmt.Errorf("read hide reactions: %w", err)
	}
	return hidden, nil
}

// LastUpdate returns the channel's update clock, zero before any change.
func (db *DB) LastUpdate(ctx context.Context, channelID string) (bridge.Stamp, error) {
	return lastUpdate(ctx, db.read, channelID)
}

// Post returns one post, tombstones included.
func (db *DB) Post(ctx context.Context, channelID, ts string) (*bridge.Post, error) {
	return getPost(ctx, db.read, channelID, ts)
}

// Posts returns the channel's live posts, hidden ones included, oldest
// first.
func (db *DB) Posts(ctx context.Context, channelID string) ([]bridge.Post, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+postColumns+` FROM posts
		WHERE channel_id = ? AND deleted = 0 ORDER BY ts_seconds, ts_nanos, ts`, channelID)
	if err != nil {
		return nil, fmt.Errorf("list posts of %s: %w", channelID, err)
	}
	return scanPosts(rows)
}

// PostsSince returns the live posts changed at or after since, oldest
// first, with the channel clock read in the same transaction so the two
// agree.
func (db *DB) PostsSince(ctx context.Context, channelID string, since bridge.Stamp) ([]bridge.Post, bridge.Stamp, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, fmt.Errorf("list updates of %s: %w", channelID, err)
	}
	defer tx.Rollback()
	last, err := lastUpdate(ctx, tx, channelID)
	if err != nil {
		return nil, 0, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+postColumns+` FROM posts
		WHERE channel_id = ? AND deleted = 0 AND updated >= ?
		ORDER BY ts_seconds, ts_nanos, ts`, channelID, int64(since))
	if err != nil {
		return nil, 0, fmt.Errorf("list updates of %s: %w", channelID, err)
	}
	posts, err := scanPosts(rows)
	if err != nil {
		return nil, 0, err
	}
	return posts, last, nil
}

// querier is the query interface shared by *sql.DB and *sql.Tx.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func lastUpdate(ctx context.Context, q querier, channelID string) (bridge.Stamp, error) {
	var last int64
	err := q.QueryRowContext(ctx,
		`SELECT last_update FROM channels WHERE channel_id = ?`, channelID).Scan(&last)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read clock of %s: %w", channelID, err)
	}
	return bridge.Stamp(last), nil
}

func setLastUpdate(ctx context.Context, q querier, channelID string, s bridge.Stamp) error {
	_, err := q.ExecContext(ctx, `INSERT INTO channels (channel_id, last_update) VALUES (?, ?)
		ON CONFLICT (channel_id) DO UPDATE SET last_update = excluded.last_update`,
		channelID, int64(s))
	if err != nil {
		return fmt.Errorf("advance clock of %s: %w", channelID, err)
	}
	return nil
}

func getPost(ctx context.Context, q querier, channelID, ts string) (*bridge.Post, error) {
	row := q.QueryRowContext(ctx, `SELECT `+postColumns+` FROM posts
		WHERE channel_id = ? AND ts = ?`, channelID, ts)
	p, err := scanPost(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("post %s in %s: %w", ts, channelID, bridge.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read post %s in %s: %w", ts, channelID, err)
	}
	return p, nil
}

func putPost(ctx context.Context, q querier, p *bridge.Post, key bridge.TSKey) error {
	author, err := json.Marshal(p.Author)
	if err != nil {
		return fmt.Errorf("encode author: %w", err)
	}
	blocks, err := json.Marshal(p.Blocks)
	if err != nil {
		return fmt.Errorf("encode blocks: %w", err)
	}
	var source any
	if len(p.Source) > 0 {
		source = string(p.Source)
	}
	_, err = q.ExecContext(ctx, `INSERT INTO posts (channel_id, ts, ts_seconds, ts_nanos,
			version, edited, author, blocks, source, hidden, deleted, updated)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (channel_id, ts) DO UPDATE SET version = excluded.version,
			edited = excluded.edited, author = excluded.author, blocks = excluded.blocks,
			source = excluded.source, hidden = excluded.hidden, deleted = excluded.deleted,
			updated = excluded.updated`,
		p.ChannelID, p.TS, key.Seconds, key.Nanos, p.Version, p.Edited, string(author),
		string(blocks), source, p.Hidden, p.Deleted, int64(p.Updated))
	if err != nil {
		return fmt.Errorf("write post %s: %w", p.TS, err)
	}
	return putMediaRefs(ctx, q, p)
}

// scanner is the Scan method shared by *sql.Row and *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

func scanPost(s scanner) (*bridge.Post, error) {
	var (
		p              bridge.Post
		author, blocks string
		source         sql.NullString
		updated        int64
	)
	err := s.Scan(&p.ChannelID, &p.TS, &p.Version, &p.Edited, &author, &blocks, &source,
		&p.Hidden, &p.Deleted, &updated)
	if err != nil {
		return nil, err
	}
	p.Updated = bridge.Stamp(updated)
	if err := json.Unmarshal([]byte(author), &p.Author); err != nil {
		return nil, fmt.Errorf("decode author of post %s: %w", p.TS, err)
	}
	if err := json.Unmarshal([]byte(blocks), &p.Blocks); err != nil {
		return nil, fmt.Errorf("decode blocks of post %s: %w", p.TS, err)
	}
	if source.Valid {
		p.Source = json.RawMessage(source.String)
	}
	return &p, nil
}

func scanPosts(rows *sql.Rows) ([]bridge.Post, error) {
	defer rows.Close()
	var posts []bridge.Post
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, err
		}
		posts = append(posts, *p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list posts: %w", err)
	}
	return posts, nil
}
