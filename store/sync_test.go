package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/liveline/liveline/bridge"
)

func TestDB_SyncState(t *testing.T) {
	db, path := mustOpen(t)
	ctx := context.Background()
	if _, err := db.SyncState(ctx, channel); !errors.Is(err, bridge.ErrNotFound) {
		t.Fatalf("SyncState before any run: error = %v, want ErrNotFound", err)
	}
	want := bridge.SyncState{ChannelID: channel, Oldest: "1623320000.000000",
		Latest: "1623329000.000000", SyncedAt: time.UnixMicro(1623329001_000001).UTC()}
	if err := db.SaveSyncState(ctx, want); err != nil {
		t.Fatal(err)
	}
	want.Latest = "1623339000.000000"
	if err := db.SaveSyncState(ctx, want); err != nil {
		t.Fatal(err)
	}
	db.Close()

	again, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	got, err := again.SyncState(ctx, channel)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("SyncState after reopen = %+v, want %+v", got, want)
	}
}

func TestDB_SaveSyncStateInvalid(t *testing.T) {
	db, _ := mustOpen(t)
	bad := bridge.SyncState{ChannelID: channel, Oldest: "yesterday", Latest: "1623329000.000000"}
	if err := db.SaveSyncState(context.Background(), bad); err == nil {
		t.Errorf("SaveSyncState with an invalid ts succeeded")
	}
}

func TestDB_OldestTS(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	if _, err := db.OldestTS(ctx, channel); !errors.Is(err, bridge.ErrNotFound) {
		t.Fatalf("OldestTS of an empty channel: error = %v, want ErrNotFound", err)
	}
	mustApply(t, db, add("1623320500.000100", "later"))
	mustApply(t, db, bridge.Change{Op: bridge.OpDelete, ChannelID: channel, TS: "999999999.000100"})
	got, err := db.OldestTS(ctx, channel)
	if err != nil {
		t.Fatal(err)
	}
	if got != "999999999.000100" {
		t.Errorf("OldestTS = %q, want the tombstone's ts 999999999.000100", got)
	}
}

func TestDB_PostsBetween(t *testing.T) {
	db, _ := mustOpen(t)
	for _, ts := range []string{"1623320100.000100", "1623320200.000100", "1623320300.000100",
		"1623320400.000100", "1623320500.000100"} {
		mustApply(t, db, add(ts, "post "+ts))
	}
	mustApply(t, db, bridge.Change{Op: bridge.OpDelete, ChannelID: channel, TS: "1623320300.000100"})

	posts, err := db.PostsBetween(context.Background(), channel, "1623320200.000100", "1623320400.000100")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range posts {
		got = append(got, p.TS)
	}
	want := []string{"1623320200.000100", "1623320400.000100"}
	if !slices.Equal(got, want) {
		t.Errorf("PostsBetween = %q, want %q", got, want)
	}
}
