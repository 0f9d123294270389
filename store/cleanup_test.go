package store

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/liveline/liveline/bridge"
)

// mediaName returns a stored file name whose hash repeats digit.
func mediaName(digit, ext string) string {
	return strings.Repeat(digit, 64) + "." + ext
}

// imagePost returns an upsert of a post that shows the stored images.
func imagePost(ts string, names ...string) bridge.Change {
	c := add(ts, "photos")
	for _, name := range names {
		c.Post.Blocks = append(c.Post.Blocks, bridge.Block{Type: bridge.BlockImage,
			URL: bridge.MediaPrefix + name})
	}
	return c
}

func deletion(ts string) bridge.Change {
	return bridge.Change{Op: bridge.OpDelete, ChannelID: channel, TS: ts}
}

func mustPutMedia(t *testing.T, db *DB, fileID, name string) {
	t.Helper()
	sha, ext, _ := strings.Cut(name, ".")
	err := db.PutMedia(context.Background(), bridge.Media{FileID: fileID, SHA256: sha, Ext: ext})
	if err != nil {
		t.Fatal(err)
	}
}

func mustExpiredMedia(t *testing.T, db *DB, onDisk []string, now time.Time) []string {
	t.Helper()
	names, err := db.ExpiredMedia(context.Background(), onDisk, now, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestDB_ExpiredMedia(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	shared, dropped, never := mediaName("a", "png"), mediaName("b", "jpg"), mediaName("c", "gif")
	mustPutMedia(t, db, "F0SHARE01", shared)
	mustPutMedia(t, db, "F0SHARE02", shared)
	mustPutMedia(t, db, "F0DROP01", dropped)
	mustPutMedia(t, db, "F0NEVER01", never)
	mustApply(t, db, imagePost("1623321000.000100", shared))
	mustApply(t, db, imagePost("1623321001.000100", shared))
	mustApply(t, db, imagePost("1623321002.000100", dropped))
	start := time.Date(2021, 6, 10, 12, 0, 0, 0, time.UTC)

	if got := mustExpiredMedia(t, db, nil, start); len(got) != 0 {
		t.Errorf("expired on the first run = %q, want none", got)
	}
	mustApply(t, db, deletion("1623321000.000100"))
	if got := mustExpiredMedia(t, db, nil, start.Add(30*time.Minute)); len(got) != 0 {
		t.Errorf("expired within the grace period = %q, want none", got)
	}
	if got, want := mustExpiredMedia(t, db, nil, start.Add(time.Hour)), []string{never}; !slices.Equal(got, want) {
		t.Errorf("expired after an hour = %q, want %q", got, want)
	}

	t.Run("image shared with a live post stays", func(t *testing.T) {
		got := mustExpiredMedia(t, db, nil, start.Add(3*time.Hour))
		if slices.Contains(got, shared) {
			t.Errorf("expired = %q, includes %s shown by a live post", got, shared)
		}
	})
	t.Run("deleted post's image expires", func(t *testing.T) {
		mustApply(t, db, deletion("1623321002.000100"))
		now := start.Add(4 * time.Hour)
		if got := mustExpiredMedia(t, db, nil, now); slices.Contains(got, dropped) {
			t.Errorf("expired at once after the delete: %q", got)
		}
		if got := mustExpiredMedia(t, db, nil, now.Add(time.Hour)); !slices.Contains(got, dropped) {
			t.Errorf("expired an hour after the delete = %q, want %s", got, dropped)
		}
	})
	t.Run("image shown again starts a new grace period", func(t *testing.T) {
		readded := mediaName("d", "webp")
		mustPutMedia(t, db, "F0READD01", readded)
		now := start.Add(10 * time.Hour)
		mustExpiredMedia(t, db, nil, now)
		mustApply(t, db, imagePost("1623321003.000100", readded))
		mustExpiredMedia(t, db, nil, now.Add(50*time.Minute))
		mustApply(t, db, edit("1623321003.000100", "1623321004.000100", "no photo now"))
		if got := mustExpiredMedia(t, db, nil, now.Add(70*time.Minute)); slices.Contains(got, readded) {
			t.Errorf("expired 20 minutes after its last reference: %q", got)
		}
		if got := mustExpiredMedia(t, db, nil, now.Add(130*time.Minute)); !slices.Contains(got, readded) {
			t.Errorf("expired = %q, want %s an hour after its last reference", got, readded)
		}
	})
	t.Run("file without an index row", func(t *testing.T) {
		orphan := mediaName("e", "png")
		now := start.Add(20 * time.Hour)
		mustExpiredMedia(t, db, []string{orphan, shared}, now)
		got := mustExpiredMedia(t, db, []string{orphan, shared}, now.Add(time.Hour))
		if !slices.Contains(got, orphan) {
			t.Errorf("expired = %q, want the orphan %s", got, orphan)
		}
		if slices.Contains(got, shared) {
			t.Errorf("expired = %q, includes %s shown by a live post", got, shared)
		}
	})
	if _, err := db.Media(ctx, "F0SHARE01"); err != nil {
		t.Errorf("ExpiredMedia changed the media index: %v", err)
	}
}

func TestDB_ForgetMedia(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	gone, shown := mediaName("a", "png"), mediaName("b", "jpg")
	mustPutMedia(t, db, "F0GONE01", gone)
	mustPutMedia(t, db, "F0GONE02", gone)
	mustPutMedia(t, db, "F0SHOWN01", shown)
	mustApply(t, db, imagePost("1623321000.000100", shown))

	ids, ok, err := db.ForgetMedia(ctx, gone)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Errorf("ForgetMedia(%s) kept an unreferenced image", gone)
	}
	slices.Sort(ids)
	if want := []string{"F0GONE01", "F0GONE02"}; !slices.Equal(ids, want) {
		t.Errorf("forgotten file ids = %q, want %q", ids, want)
	}
	if _, err := db.Media(ctx, "F0GONE01"); !errors.Is(err, bridge.ErrNotFound) {
		t.Errorf("Media of a forgotten file: %v, want ErrNotFound", err)
	}

	ids, ok, err = db.ForgetMedia(ctx, shown)
	if err != nil {
		t.Fatal(err)
	}
	if ok || len(ids) != 0 {
		t.Errorf("ForgetMedia of a shown image = %q, %v, want nothing and false", ids, ok)
	}
	if _, err := db.Media(ctx, "F0SHOWN01"); err != nil {
		t.Errorf("Media of a shown image after ForgetMedia: %v", err)
	}
}

// Opening a database from before the media_refs table indexes the images
// its live posts already show.
func TestOpen_IndexesExistingMediaRefs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "liveline.db")
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	shown, card, gone := mediaName("a", "png"), mediaName("b", "jpg"), mediaName("c", "gif")
	mustApply(t, db, imagePost("1623321000.000100", shown))
	withCard := add("1623321001.000100", "link")
	withCard.Post.Blocks = append(withCard.Post.Blocks, bridge.Block{Type: bridge.BlockCard,
		URL: "https://example.org/", ImageURL: bridge.MediaPrefix + card})
	mustApply(t, db, withCard)
	mustApply(t, db, imagePost("1623321002.000100", gone))
	mustApply(t, db, deletion("1623321002.000100"))
	_, err = db.write.ExecContext(ctx, `DROP TABLE media_refs; DROP TABLE media_unreferenced;
		PRAGMA user_version = 6`)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.read.QueryContext(ctx, `SELECT name FROM media_refs ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		got = append(got, name)
	}
	if want := []string{shown, card}; !slices.Equal(got, want) {
		t.Errorf("media_refs after migrating = %q, want %q", got, want)
	}
}

func TestDB_PruneHideReactions(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	// Slack ts seconds: 1623321000 is 2021-06-10 10:30 UTC.
	const (
		neverArrived = "1623321000.000100"
		live         = "1623321001.000100"
		deleted      = "1623321002.000100"
		recent       = "1624000000.000100"
	)
	for _, ts := range []string{neverArrived, live, deleted, recent} {
		mustApply(t, db, bridge.Change{Op: bridge.OpHide, ChannelID: channel, TS: ts, User: "U0EDIT01"})
	}
	mustApply(t, db, add(live, "hidden but live"))
	mustApply(t, db, add(deleted, "deleted later"))
	mustApply(t, db, deletion(deleted))

	before := time.Unix(1623321000, 0).Add(7 * 24 * time.Hour)
	n, err := db.PruneHideReactions(ctx, before)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("pruned %d rows, want 2", n)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT ts FROM hide_reactions ORDER BY ts`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var kept []string
	for rows.Next() {
		var ts string
		if err := rows.Scan(&ts); err != nil {
			t.Fatal(err)
		}
		kept = append(kept, ts)
	}
	if want := []string{live, recent}; !slices.Equal(kept, want) {
		t.Errorf("hide reactions kept = %q, want %q", kept, want)
	}
	if p, err := db.Post(ctx, channel, live); err != nil || !p.Hidden {
		t.Errorf("live post after pruning = %+v, %v, want hidden", p, err)
	}
}
