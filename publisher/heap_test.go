package publisher

import (
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"testing"
)

// TestPublisher_HeapProfile writes the heap profile of one loaded
// 5,000-post channel, with its handshake and full GET built, to the file
// named by HEAP_PROFILE. It is skipped without it.
//
//	HEAP_PROFILE=/tmp/heap.prof go test ./publisher -run HeapProfile
//	go tool pprof -top -sample_index=inuse_space /tmp/heap.prof
func TestPublisher_HeapProfile(t *testing.T) {
	path := os.Getenv("HEAP_PROFILE")
	if path == "" {
		t.Skip("set HEAP_PROFILE to a file name to write the profile")
	}
	runtime.MemProfileRate = 4096
	store := newMemStore()
	for i := range 5000 {
		store.apply(benchPost(i))
	}
	tp := newTestPublisher(t, store, store)
	gzip := http.Header{"Accept-Encoding": {"gzip"}}
	tp.do(http.MethodPost, "", gzip)
	tp.do(http.MethodGet, "last_update_ts=0", gzip)
	store.posts = nil // leave only the publisher's memory in the profile

	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	t.Logf("heap in use: %.1f MB", float64(m.HeapAlloc)/(1<<20))
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		t.Fatal(err)
	}
	runtime.KeepAlive(tp)
}
