package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/liveline/liveline/bridge"
	"github.com/liveline/liveline/store"
)

// Cleanup timing.
const (
	// cleanupInterval is how often serve runs the cleanup, after one run
	// at start.
	cleanupInterval = 10 * time.Minute
	// mediaGracePeriod is how long no live post must show a stored image
	// before the cleanup deletes it.
	mediaGracePeriod = time.Hour
	// hideReactionMaxAge is how old a message's ts must be before the
	// cleanup deletes hide reactions on it that no live post uses.
	hideReactionMaxAge = 7 * 24 * time.Hour
)

// cleanupLoop deletes stored images that no live post has shown for
// mediaGracePeriod, and hide reactions on old messages that never
// arrived or were deleted. It runs in one goroutine, so runs never
// overlap.
type cleanupLoop struct {
	db       *store.DB
	mediaDir string
	now      func() time.Time
	interval time.Duration // zero starts no goroutine, so tests call run
	log      *slog.Logger

	cancel context.CancelFunc
	done   chan struct{}
}

func newCleanupLoop(db *store.DB, mediaDir string, now func() time.Time, interval time.Duration, log *slog.Logger) *cleanupLoop {
	return &cleanupLoop{db: db, mediaDir: mediaDir, now: now, interval: interval,
		log: log.With("component", "cleanup")}
}

// cleanupResult counts what one run deleted.
type cleanupResult struct {
	images        int   // stored images deleted from media_dir and the media index
	hideReactions int64 // hide reaction rows deleted
}

// run deletes what has expired at c.now(). It continues after an image
// fails to delete, so one bad file does not block the rest, and returns
// the failures joined.
func (c *cleanupLoop) run(ctx context.Context) (cleanupResult, error) {
	var res cleanupResult
	now := c.now()
	onDisk, err := c.storedFileNames()
	if err != nil {
		return res, err
	}
	expired, err := c.db.ExpiredMedia(ctx, onDisk, now, mediaGracePeriod)
	if err != nil {
		return res, err
	}

	var errs []error
	for _, name := range expired {
		removed, err := c.removeImage(ctx, name)
		if err != nil {
			errs = append(errs, err)
		}
		if removed {
			res.images++
		}
	}

	res.hideReactions, err = c.db.PruneHideReactions(ctx, now.Add(-hideReactionMaxAge))
	if err != nil {
		errs = append(errs, err)
	}
	return res, errors.Join(errs...)
}

// removeImage deletes the stored image name from the media index and
// then from media_dir, unless a live post shows it again.
func (c *cleanupLoop) removeImage(ctx context.Context, name string) (bool, error) {
	fileIDs, ok, err := c.db.ForgetMedia(ctx, name)
	if err != nil || !ok {
		return false, err
	}
	err = os.Remove(filepath.Join(c.mediaDir, name))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		// The next runs find the file on disk without an index row and
		// try again after another grace period.
		return false, fmt.Errorf("delete unreferenced image %s: %w", name, err)
	}
	sha256, _, _ := strings.Cut(name, ".")
	c.log.Info("deleted unreferenced image", "sha256", sha256, "file_name", name,
		"file_ids", strings.Join(fileIDs, ","), "file_id_count", len(fileIDs))
	return true, nil
}

// storedFileNames lists the stored images in media_dir. A missing folder
// has none, because the worker creates it with the first download.
func (c *cleanupLoop) storedFileNames() ([]string, error) {
	entries, err := os.ReadDir(c.mediaDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list media_dir %s: %w", c.mediaDir, err)
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && bridge.IsMediaFileName(e.Name()) {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// start runs the cleanup at once and then every interval in a goroutine,
// unless interval is zero.
func (c *cleanupLoop) start() {
	if c.interval <= 0 {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel, c.done = cancel, make(chan struct{})
	go c.loop(ctx)
}

func (c *cleanupLoop) loop(ctx context.Context) {
	defer close(c.done)
	ticker := time.NewTicker(c.interval)
	defer ticker.Stop()
	for {
		c.runAndLog(ctx)
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

func (c *cleanupLoop) runAndLog(ctx context.Context) {
	res, err := c.run(ctx)
	if err != nil && ctx.Err() == nil {
		c.log.Error("cleanup failed; the next run tries again", "error", err)
	}
	level := slog.LevelDebug
	if res.images > 0 || res.hideReactions > 0 {
		level = slog.LevelInfo
	}
	c.log.Log(ctx, level, "cleanup done", "deleted_images", res.images,
		"deleted_hide_reactions", res.hideReactions)
}

// stop cancels a run in progress and waits until the goroutine ends or
// ctx ends.
func (c *cleanupLoop) stop(ctx context.Context) {
	if c.cancel == nil {
		return
	}
	c.cancel()
	select {
	case <-c.done:
	case <-ctx.Done():
	}
}
