package store

import (
	"context"
	"testing"
)

func TestOpen_CacheSizes(t *testing.T) {
	db, _ := mustOpen(t)
	ctx := context.Background()
	var read, write int
	if err := db.read.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&read); err != nil {
		t.Fatal(err)
	}
	if err := db.write.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&write); err != nil {
		t.Fatal(err)
	}
	if read != -readCacheKiB {
		t.Errorf("read connection cache_size = %d, want %d", read, -readCacheKiB)
	}
	if write != -writeCacheKiB {
		t.Errorf("write connection cache_size = %d, want %d", write, -writeCacheKiB)
	}
}
