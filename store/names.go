package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/liveline/liveline/bridge"
)

var _ bridge.NameCache = (*DB)(nil)

// Name returns a cached user or channel name, or bridge.ErrNotFound.
func (db *DB) Name(ctx context.Context, kind bridge.NameKind, id string) (bridge.Name, error) {
	n := bridge.Name{Kind: kind, ID: id}
	var fetched int64
	err := db.read.QueryRowContext(ctx, `SELECT name, fetched FROM names
		WHERE kind = ? AND id = ?`, string(kind), id).Scan(&n.Name, &fetched)
	if errors.Is(err, sql.ErrNoRows) {
		return n, fmt.Errorf("%s name %s: %w", kind, id, bridge.ErrNotFound)
	}
	if err != nil {
		return n, fmt.Errorf("read %s name %s: %w", kind, id, err)
	}
	n.Fetched = time.UnixMicro(fetched).UTC()
	return n, nil
}

// PutName stores a name, replacing the cached one.
func (db *DB) PutName(ctx context.Context, n bridge.Name) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO names (kind, id, name, fetched)
		VALUES (?, ?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET name = excluded.name,
		fetched = excluded.fetched`, string(n.Kind), n.ID, n.Name, n.Fetched.UnixMicro())
	if err != nil {
		return fmt.Errorf("write %s name %s: %w", n.Kind, n.ID, err)
	}
	return nil
}
