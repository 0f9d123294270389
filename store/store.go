// Package store keeps channels and live posts in SQLite. It is the only
// package that imports the SQLite driver, and it implements the
// bridge.PostWriter and bridge.PostReader interfaces.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver

	"github.com/liveline/liveline/bridge"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is a Liveline database. Writes go through one connection, so SQLite
// never has two writers at once. Reads use a pool of their own.
type DB struct {
	path  string
	write *sql.DB
	read  *sql.DB
	now   func() time.Time

	// onCommit runs after each visible committed change; see OnCommit.
	onCommit atomic.Pointer[func(context.Context, bridge.Change, bridge.Outcome)]
}

var (
	_ bridge.PostWriter = (*DB)(nil)
	_ bridge.PostReader = (*DB)(nil)
)

// Option configures a DB.
type Option func(*DB)

// WithClock sets the wall clock that stamps changes. Tests use it to make
// many changes fall in one microsecond.
func WithClock(now func() time.Time) Option {
	return func(db *DB) { db.now = now }
}

// Open opens or creates the SQLite file at path and migrates it to the
// newest schema.
func Open(ctx context.Context, path string, opts ...Option) (*DB, error) {
	if path == "" {
		return nil, errors.New("open database: missing path")
	}
	if dir := filepath.Dir(path); dir != "" {
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			return nil, fmt.Errorf("open database %s: folder %s does not exist: "+
				"create it or set database: to a file in an existing folder", path, dir)
		}
	}
	db := &DB{path: path, now: time.Now}
	for _, opt := range opts {
		opt(db)
	}
	var err error
	if db.write, err = sql.Open("sqlite3", dsn(path, "immediate", writeCacheKiB)); err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db.write.SetMaxOpenConns(1)
	if db.read, err = sql.Open("sqlite3", dsn(path, "deferred", readCacheKiB)); err != nil {
		db.write.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// Keeping every read connection open spares the publisher's
	// concurrent refreshes a new connection, with its schema read and
	// pragmas, each time more than database/sql's default of 2 were busy.
	db.read.SetMaxOpenConns(maxReadConns)
	db.read.SetMaxIdleConns(maxReadConns)
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// maxReadConns is the size of the read connection pool.
const maxReadConns = 8

// Page cache sizes in KiB. The writer keeps SQLite's default of 2,000 KiB
// for the B-tree pages every insert walks. Readers mostly read the newest
// changes, once each, so a smaller cache keeps eight open read connections
// from holding 16 MB.
const (
	writeCacheKiB = 2000
	readCacheKiB  = 512
)

// dsn builds the go-sqlite3 connection string. WAL lets readers run while
// the writer commits; synchronous=FULL makes each commit durable before
// Apply returns, so an acknowledged Slack event survives a power cut.
func dsn(path, txlock string, cacheKiB int) string {
	q := url.Values{}
	q.Set("_cache_size", strconv.Itoa(-cacheKiB)) // negative: KiB, not pages
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_busy_timeout", "5000")
	q.Set("_foreign_keys", "on")
	q.Set("_txlock", txlock)
	return "file:" + path + "?" + q.Encode()
}

// Close closes both connection pools.
func (db *DB) Close() error {
	return errors.Join(db.write.Close(), db.read.Close())
}

// Ping checks that the database responds to a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// migrate applies the embedded migrations newer than PRAGMA user_version,
// each in its own transaction.
func (db *DB) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)
	var version int
	if err := db.write.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("read schema version of %s: %w", db.path, err)
	}
	if version > len(names) {
		return fmt.Errorf("database %s has schema version %d, newer than this binary's %d: "+
			"upgrade liveline", db.path, version, len(names))
	}
	for i := version; i < len(names); i++ {
		if err := db.applyMigration(ctx, names[i], i+1); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) applyMigration(ctx context.Context, name string, version int) error {
	body, err := migrations.ReadFile(name)
	if err != nil {
		return fmt.Errorf("read migration %s: %w", name, err)
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", path.Base(name), err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return fmt.Errorf("migrate %s: %w", path.Base(name), err)
	}
	if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(version)); err != nil {
		return fmt.Errorf("migrate %s: %w", path.Base(name), err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate %s: %w", path.Base(name), err)
	}
	return nil
}

// isValidChannelID guards the SQL layer against ids no Slack channel has.
func isValidChannelID(id string) bool {
	return id != "" && len(id) <= 64 && !strings.ContainsAny(id, "\x00")
}
