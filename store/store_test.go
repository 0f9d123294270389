package store

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/liveline/liveline/bridge"
)

const channel = "C0LIVE01"

// mustOpen opens a database file in a fresh temporary folder.
func mustOpen(t *testing.T, opts ...Option) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "liveline.db")
	db, err := Open(context.Background(), path, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

func mustApply(t *testing.T, db *DB, c bridge.Change) bridge.Outcome {
	t.Helper()
	out, err := db.Apply(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func add(ts, text string) bridge.Change {
	return bridge.Change{Op: bridge.OpUpsert, ChannelID: channel, TS: ts, Post: &bridge.Post{
		Author: bridge.Author{Name: "Reporter"},
		Blocks: []bridge.Block{{Type: bridge.BlockText, HTML: "<p>" + text + "</p>"}},
	}}
}

func edit(ts, editedTS, text string) bridge.Change {
	c := add(ts, text)
	c.Post.Version, c.Post.Edited = editedTS, editedTS
	return c
}

func postTexts(t *testing.T, posts []bridge.Post) []string {
	t.Helper()
	var out []string
	for _, p := range posts {
		out = append(out, p.TS+" "+p.Blocks[0].HTML)
	}
	return out
}

func TestDB_ApplyAndRead(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	mustApply(t, db, add("1623321001.100000", "third"))
	mustApply(t, db, add("1623321000.000100", "first"))
	mustApply(t, db, add("1623321000.000200", "second"))

	posts, err := db.Posts(ctx, channel)
	if err != nil {
		t.Fatal(err)
	}
	got := postTexts(t, posts)
	want := []string{"1623321000.000100 <p>first</p>", "1623321000.000200 <p>second</p>",
		"1623321001.100000 <p>third</p>"}
	if len(got) != len(want) {
		t.Fatalf("posts = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("post %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestDB_ClockStrictlyIncreasesInOneMicrosecond(t *testing.T) {
	frozen := time.UnixMicro(1_733_328_000_000_000)
	db, _ := mustOpen(t, WithClock(func() time.Time { return frozen }))
	first := mustApply(t, db, add("1623321000.000100", "v1"))
	second := mustApply(t, db, edit("1623321000.000100", "1623321010.000000", "v2"))
	third := mustApply(t, db, edit("1623321000.000100", "1623321020.000000", "v3"))
	if !(first.Stamp < second.Stamp && second.Stamp < third.Stamp) {
		t.Errorf("stamps not strictly increasing: %v %v %v", first.Stamp, second.Stamp, third.Stamp)
	}
	updates, last, err := db.PostsSince(context.Background(), channel, second.Stamp)
	if err != nil {
		t.Fatal(err)
	}
	if last != third.Stamp {
		t.Errorf("clock = %v, want %v", last, third.Stamp)
	}
	if len(updates) != 1 || updates[0].Blocks[0].HTML != "<p>v3</p>" {
		t.Errorf("updates since second edit = %q", postTexts(t, updates))
	}
}

func TestDB_UnchangedRedeliveryKeepsClock(t *testing.T) {
	db, _ := mustOpen(t)
	first := mustApply(t, db, add("1623320001.000100", "polls close"))
	again := mustApply(t, db, add("1623320001.000100", "polls close"))
	if again.Changed {
		t.Errorf("redelivery changed the post")
	}
	if again.Stamp != first.Stamp {
		t.Errorf("redelivery moved the clock from %v to %v", first.Stamp, again.Stamp)
	}
}

func TestDB_DeleteLeavesTombstone(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	mustApply(t, db, add("1623320100.000200", "turnout"))
	del := mustApply(t, db, bridge.Change{Op: bridge.OpDelete, ChannelID: channel, TS: "1623320100.000200"})
	if !del.Changed {
		t.Fatalf("delete did not change anything")
	}
	late := mustApply(t, db, add("1623320100.000200", "turnout"))
	if late.Changed {
		t.Errorf("late original resurrected a deleted post")
	}
	posts, err := db.Posts(ctx, channel)
	if err != nil {
		t.Fatal(err)
	}
	if len(posts) != 0 {
		t.Errorf("posts after delete = %q", postTexts(t, posts))
	}
	stored, err := db.Post(ctx, channel, "1623320100.000200")
	if err != nil || !stored.Deleted {
		t.Errorf("tombstone = %+v, %v", stored, err)
	}
}

func TestDB_ReopenKeepsPosts(t *testing.T) {
	db, path := mustOpen(t)
	ctx := context.Background()
	mustApply(t, db, add("1623321000.000100", "kept"))
	last, _ := db.LastUpdate(ctx, channel)
	db.Close()

	reopened, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer reopened.Close()
	posts, err := reopened.Posts(ctx, channel)
	if err != nil {
		t.Fatal(err)
	}
	if len(posts) != 1 || posts[0].TS != "1623321000.000100" {
		t.Errorf("posts after reopen = %q", postTexts(t, posts))
	}
	if got, _ := reopened.LastUpdate(ctx, channel); got != last {
		t.Errorf("clock after reopen = %v, want %v", got, last)
	}
}

func TestDB_ConcurrentApply(t *testing.T) {
	db, _ := mustOpen(t)
	var wg sync.WaitGroup
	for g := 0; g < 10; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				c := add(strconv.Itoa(1623321000+g*10+i)+".000100", "post")
				if _, err := db.Apply(context.Background(), c); err != nil {
					t.Error(err)
				}
			}
		}(g)
	}
	wg.Wait()
	posts, err := db.Posts(context.Background(), channel)
	if err != nil {
		t.Fatal(err)
	}
	if len(posts) != 100 {
		t.Errorf("stored %d posts, want 100", len(posts))
	}
}

func TestDB_InvalidChange(t *testing.T) {
	db, _ := mustOpen(t)
	if _, err := db.Apply(context.Background(), add("1623321000.0001x", "bad")); err == nil {
		t.Errorf("Apply with an invalid ts succeeded")
	}
	if _, err := db.Apply(context.Background(), bridge.Change{Op: bridge.OpUpsert, TS: "1.1"}); err == nil {
		t.Errorf("Apply without a channel succeeded")
	}
}

func TestDB_OnCommitRunsForVisibleChanges(t *testing.T) {
	db, _ := mustOpen(t)
	var seen []string
	db.OnCommit(func(_ context.Context, c bridge.Change, out bridge.Outcome) {
		seen = append(seen, c.Op.String()+" "+c.TS+" "+out.Stamp.String())
	})
	first := mustApply(t, db, add("1623321000.000100", "post"))
	mustApply(t, db, add("1623321000.000100", "post"))
	mustApply(t, db, bridge.Change{Op: bridge.OpDelete, ChannelID: channel, TS: "1623321999.000100"})
	if len(seen) != 1 {
		t.Fatalf("OnCommit ran %d times, want once: %q", len(seen), seen)
	}
	if want := "upsert 1623321000.000100 " + first.Stamp.String(); seen[0] != want {
		t.Errorf("OnCommit saw %q, want %q", seen[0], want)
	}
}

func TestOpen_MissingFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no-such-folder", "liveline.db")
	_, err := Open(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("Open in a missing folder: %v, want an error that names the folder", err)
	}
}

func TestDB_HideBeforeMessage(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	const ts = "1623321000.000100"
	early := mustApply(t, db, bridge.Change{Op: bridge.OpHide, ChannelID: channel, TS: ts})
	if early.Changed {
		t.Errorf("a hide before its message changed what readers see")
	}
	mustApply(t, db, add(ts, "late message"))
	p, err := db.Post(ctx, channel, ts)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Hidden {
		t.Errorf("message whose hide reaction came first is shown")
	}

	const other = "1623321001.000100"
	mustApply(t, db, bridge.Change{Op: bridge.OpHide, ChannelID: channel, TS: other})
	mustApply(t, db, bridge.Change{Op: bridge.OpShow, ChannelID: channel, TS: other})
	mustApply(t, db, add(other, "shown after all"))
	if p, _ := db.Post(ctx, channel, other); p == nil || p.Hidden {
		t.Errorf("hide then show before the message left it hidden: %+v", p)
	}
}
