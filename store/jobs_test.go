package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/liveline/liveline/bridge"
)

func fileJob(fileID, ts string) bridge.Job {
	return bridge.Job{Kind: bridge.JobFile, Key: fileID, ChannelID: channel, TS: ts}
}

func mustNextJob(t *testing.T, db *DB, now time.Time) *bridge.Job {
	t.Helper()
	j, err := db.NextJob(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func TestDB_ApplyEnqueuesJobs(t *testing.T) {
	db, path := mustOpen(t)
	ctx := context.Background()
	c := add("1623321300.000100", "photos")
	c.Jobs = []bridge.Job{fileJob("F0IMG0001", "1623321300.000100")}
	mustApply(t, db, c)
	mustApply(t, db, c) // a redelivery writes nothing and enqueues nothing
	db.Close()

	reopened, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer reopened.Close()
	j := mustNextJob(t, reopened, time.Now())
	if j.Kind != bridge.JobFile || j.Key != "F0IMG0001" || j.TS != "1623321300.000100" {
		t.Errorf("job = %+v", j)
	}
	if err := reopened.FinishJob(ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := reopened.NextJob(ctx, time.Now()); !errors.Is(err, bridge.ErrNotFound) {
		t.Errorf("NextJob after finishing the only job: %v, want ErrNotFound", err)
	}
}

func TestDB_EnqueueSkipsQueuedJob(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	jobs := []bridge.Job{fileJob("F1", "1.1"), fileJob("F1", "1.1"), fileJob("F1", "2.1")}
	if err := db.EnqueueJobs(ctx, jobs); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.read.QueryRow(`SELECT count(*) FROM jobs`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("queued %d jobs, want 2", n)
	}
}

func TestDB_RetryJobDelaysIt(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	if err := db.EnqueueJobs(ctx, []bridge.Job{fileJob("F1", "1.1"), fileJob("F2", "1.1")}); err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_700_000_000, 0)
	first := mustNextJob(t, db, now)
	if err := db.RetryJob(ctx, first.ID, now.Add(time.Minute), "timed out"); err != nil {
		t.Fatal(err)
	}
	if j := mustNextJob(t, db, now); j.Key != "F2" {
		t.Errorf("due job = %s, want F2 while F1 waits", j.Key)
	}
	db.FinishJob(ctx, mustNextJob(t, db, now).ID)
	if _, err := db.NextJob(ctx, now); !errors.Is(err, bridge.ErrNotFound) {
		t.Errorf("NextJob before the retry time: %v, want ErrNotFound", err)
	}
	again := mustNextJob(t, db, now.Add(time.Minute))
	if again.Attempts != 1 || again.LastError != "timed out" {
		t.Errorf("retried job = %+v, want 1 attempt and its error", again)
	}
}

func TestDB_NameCache(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	if _, err := db.Name(ctx, bridge.NameUser, "U0TEST02"); !errors.Is(err, bridge.ErrNotFound) {
		t.Errorf("Name before PutName: %v, want ErrNotFound", err)
	}
	fetched := time.UnixMicro(1_700_000_000_123_456).UTC()
	want := bridge.Name{Kind: bridge.NameUser, ID: "U0TEST02", Name: "Reporter Two", Fetched: fetched}
	if err := db.PutName(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := db.Name(ctx, bridge.NameUser, "U0TEST02")
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("Name = %+v, want %+v", got, want)
	}
	if _, err := db.Name(ctx, bridge.NameChannel, "U0TEST02"); !errors.Is(err, bridge.ErrNotFound) {
		t.Errorf("a user name was found as a channel name: %v", err)
	}
}

func TestDB_MediaIndex(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	want := bridge.Media{FileID: "F0IMG0001", SHA256: "ab", Ext: "png", Width: 1600, Height: 900,
		Alt: "count-centre.png"}
	if err := db.PutMedia(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := db.Media(ctx, "F0IMG0001")
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("Media = %+v, want %+v", got, want)
	}
	if _, err := db.Media(ctx, "F0OTHER"); !errors.Is(err, bridge.ErrNotFound) {
		t.Errorf("Media of an unknown file: %v, want ErrNotFound", err)
	}
}
