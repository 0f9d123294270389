package store

import (
	"context"
	"testing"

	"github.com/liveline/liveline/bridge"
)

func TestDB_ChangesSince(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	first := mustApply(t, db, add("1623321000.000100", "first"))
	mustApply(t, db, add("1623321001.000100", "second"))
	mustApply(t, db, bridge.Change{Op: bridge.OpDelete, ChannelID: channel, TS: "1623321000.000100"})
	mustApply(t, db, bridge.Change{Op: bridge.OpDelete, ChannelID: channel, TS: "1623321009.000100"})

	changes, last, err := db.ChangesSince(ctx, channel, first.Stamp)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 2 {
		t.Fatalf("changes since the first post = %d posts, want 2", len(changes))
	}
	if got := changes[0].TS; got != "1623321001.000100" {
		t.Errorf("first change = %s, want the second post", got)
	}
	if !changes[1].Deleted || changes[1].TS != "1623321000.000100" {
		t.Errorf("second change = %+v, want the tombstone of the first post", changes[1])
	}
	if last != changes[1].Updated {
		t.Errorf("clock = %v, want the tombstone's stamp %v", last, changes[1].Updated)
	}

	none, same, err := db.ChangesSince(ctx, channel, last)
	if err != nil {
		t.Fatal(err)
	}
	if len(none) != 0 || same != last {
		t.Errorf("changes since the clock = %d posts at %v, want none at %v", len(none), same, last)
	}
}
