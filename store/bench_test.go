package store

import (
	"context"
	"strconv"
	"sync"
	"testing"
)

// BenchmarkDB_Apply commits one new post per operation, from 8 goroutines
// at once as concurrent Slack deliveries would.
func BenchmarkDB_Apply(b *testing.B) {
	path := b.TempDir() + "/liveline.db"
	db, err := Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var (
		mu sync.Mutex
		n  int
	)
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			mu.Lock()
			n++
			ts := "1623321000." + strconv.Itoa(100000+n)
			mu.Unlock()
			c := add(ts, "post")
			if _, err := db.Apply(context.Background(), c); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
