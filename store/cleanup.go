package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/liveline/liveline/bridge"
)

// putMediaRefs replaces the post's rows in media_refs with the stored
// images its blocks show. A tombstone shows none.
func putMediaRefs(ctx context.Context, q querier, p *bridge.Post) error {
	_, err := q.ExecContext(ctx, `DELETE FROM media_refs WHERE channel_id = ? AND ts = ?`,
		p.ChannelID, p.TS)
	if err != nil {
		return fmt.Errorf("clear media references of post %s: %w", p.TS, err)
	}
	if p.Deleted {
		return nil
	}
	for _, name := range mediaNames(p.Blocks) {
		_, err := q.ExecContext(ctx, `INSERT OR IGNORE INTO media_refs (channel_id, ts, name)
			VALUES (?, ?, ?)`, p.ChannelID, p.TS, name)
		if err != nil {
			return fmt.Errorf("record media reference of post %s: %w", p.TS, err)
		}
	}
	return nil
}

// mediaNames returns the stored file names that blocks load from
// bridge.MediaPrefix, in image and card image URLs.
func mediaNames(blocks []bridge.Block) []string {
	var names []string
	for _, b := range blocks {
		for _, u := range []string{b.URL, b.ImageURL} {
			name, ok := strings.CutPrefix(u, bridge.MediaPrefix)
			if ok && bridge.IsMediaFileName(name) {
				names = append(names, name)
			}
		}
	}
	return names
}

// ExpiredMedia records which stored images no live post shows and
// returns those that no live post has shown since grace before now.
// Candidates are the images in the media index and the names in onDisk,
// so that files without an index row are found too.
//
// A run that finds an image shown again clears its record, so its grace
// period starts anew when it is next unreferenced. So an edit that
// re-adds an image, or a download whose post is not rendered yet, keeps
// the file.
func (db *DB) ExpiredMedia(ctx context.Context, onDisk []string, now time.Time, grace time.Duration) ([]string, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("find unreferenced media: begin: %w", err)
	}
	defer tx.Rollback()

	_, err = tx.ExecContext(ctx, `DELETE FROM media_unreferenced
		WHERE name IN (SELECT name FROM media_refs)`)
	if err != nil {
		return nil, fmt.Errorf("find unreferenced media: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT OR IGNORE INTO media_unreferenced (name, since)
		SELECT DISTINCT sha256 || '.' || ext, ? FROM media
		WHERE sha256 || '.' || ext NOT IN (SELECT name FROM media_refs)`, now.UnixMicro())
	if err != nil {
		return nil, fmt.Errorf("find unreferenced media: %w", err)
	}
	for _, name := range onDisk {
		_, err = tx.ExecContext(ctx, `INSERT OR IGNORE INTO media_unreferenced (name, since)
			SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM media_refs WHERE name = ?)`,
			name, now.UnixMicro(), name)
		if err != nil {
			return nil, fmt.Errorf("find unreferenced media: %w", err)
		}
	}

	names, err := expiredNames(ctx, tx, now.Add(-grace))
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("find unreferenced media: commit: %w", err)
	}
	return names, nil
}

func expiredNames(ctx context.Context, tx *sql.Tx, before time.Time) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT name FROM media_unreferenced
		WHERE since <= ? ORDER BY name`, before.UnixMicro())
	if err != nil {
		return nil, fmt.Errorf("list expired media: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("list expired media: %w", err)
		}
		names = append(names, name)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list expired media: %w", err)
	}
	return names, nil
}

// ForgetMedia removes the stored image name from the media index, unless
// a live post shows it again, and returns the Slack file ids it was
// stored for. It returns ok false when the image is shown and must stay.
// The caller deletes the file only when ok is true.
//
// NOTE: a receiver that read the media index just before this commit
// can still store a post that shows the deleted image. That image then
// returns 404 until an edit of the post downloads it again.
func (db *DB) ForgetMedia(ctx context.Context, name string) (fileIDs []string, ok bool, err error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, false, fmt.Errorf("forget media %s: begin: %w", name, err)
	}
	defer tx.Rollback()

	var shown bool
	err = tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM media_refs WHERE name = ?)`,
		name).Scan(&shown)
	if err != nil {
		return nil, false, fmt.Errorf("forget media %s: %w", name, err)
	}
	if !shown {
		if fileIDs, err = deleteMediaRows(ctx, tx, name); err != nil {
			return nil, false, err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM media_unreferenced WHERE name = ?`, name); err != nil {
		return nil, false, fmt.Errorf("forget media %s: %w", name, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, false, fmt.Errorf("forget media %s: commit: %w", name, err)
	}
	return fileIDs, !shown, nil
}

func deleteMediaRows(ctx context.Context, tx *sql.Tx, name string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `DELETE FROM media WHERE sha256 || '.' || ext = ?
		RETURNING file_id`, name)
	if err != nil {
		return nil, fmt.Errorf("forget media %s: %w", name, err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("forget media %s: %w", name, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("forget media %s: %w", name, err)
	}
	return ids, nil
}

// PruneHideReactions deletes the hide reactions on messages sent before
// cutoff that have no live post: the message never arrived, such as a
// thread reply Liveline ignores, or it was deleted. It returns how many
// rows it deleted.
func (db *DB) PruneHideReactions(ctx context.Context, cutoff time.Time) (int64, error) {
	// CAST keeps the whole seconds of a Slack ts such as
	// "1623321300.000100".
	res, err := db.write.ExecContext(ctx, `DELETE FROM hide_reactions AS h
		WHERE CAST(h.ts AS INTEGER) < ? AND NOT EXISTS (SELECT 1 FROM posts AS p
			WHERE p.channel_id = h.channel_id AND p.ts = h.ts AND p.deleted = 0)`,
		cutoff.Unix())
	if err != nil {
		return 0, fmt.Errorf("prune hide reactions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("prune hide reactions: %w", err)
	}
	return n, nil
}
