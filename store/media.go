package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/liveline/liveline/bridge"
)

var _ bridge.MediaIndex = (*DB)(nil)

// Media returns the image stored for a Slack file id, or
// bridge.ErrNotFound.
func (db *DB) Media(ctx context.Context, fileID string) (bridge.Media, error) {
	m := bridge.Media{FileID: fileID}
	err := db.read.QueryRowContext(ctx, `SELECT sha256, ext, width, height, alt FROM media
		WHERE file_id = ?`, fileID).Scan(&m.SHA256, &m.Ext, &m.Width, &m.Height, &m.Alt)
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("media of file %s: %w", fileID, bridge.ErrNotFound)
	}
	if err != nil {
		return m, fmt.Errorf("read media of file %s: %w", fileID, err)
	}
	return m, nil
}

// PutMedia records the image stored for a Slack file id.
func (db *DB) PutMedia(ctx context.Context, m bridge.Media) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO media (file_id, sha256, ext, width, height, alt)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (file_id) DO UPDATE SET sha256 = excluded.sha256,
		ext = excluded.ext, width = excluded.width, height = excluded.height, alt = excluded.alt`,
		m.FileID, m.SHA256, m.Ext, m.Width, m.Height, m.Alt)
	if err != nil {
		return fmt.Errorf("write media of file %s: %w", m.FileID, err)
	}
	return nil
}
