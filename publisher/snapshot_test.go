package publisher

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/liveline/liveline/bridge"
)

// script is a sequence of changes that adds, edits, hides, shows and
// deletes posts, with posts arriving out of ts order.
func script() []bridge.Change {
	edit := textChange(postTS(1), "corrected")
	edit.Post.Version, edit.Post.Edited = "1623329999.000000", "1623329999.000000"
	return []bridge.Change{
		textChange(postTS(3), "third"),
		textChange(postTS(1), "first"),
		textChange(postTS(2), "second"),
		edit,
		{Op: bridge.OpHide, ChannelID: testChannel, TS: postTS(2)},
		{Op: bridge.OpDelete, ChannelID: testChannel, TS: postTS(3)},
		textChange(postTS(0), "zeroth"),
		{Op: bridge.OpShow, ChannelID: testChannel, TS: postTS(2)},
		{Op: bridge.OpDelete, ChannelID: testChannel, TS: postTS(9)},
	}
}

func TestPublisher_PatchMatchesFullLoad(t *testing.T) {
	patchedStore, fullStore := newMemStore(), newMemStore()
	patched := newTestPublisher(t, patchedStore, patchedStore)
	full := newTestPublisher(t, fullReader{fullStore}, fullStore)
	if full.changes != nil {
		t.Fatal("fullReader was taken for a bridge.ChangeReader")
	}

	for i, c := range script() {
		patched.mustApply(c)
		full.mustApply(c)
		for _, since := range []string{"0", "1733328003", "1733328005.000001", "9999999999"} {
			_, got := patched.do(http.MethodGet, "last_update_ts="+since, nil)
			_, want := full.do(http.MethodGet, "last_update_ts="+since, nil)
			if !bytes.Equal(got, want) {
				t.Errorf("after change %d, GET since %s:\npatched %s\nfull    %s", i, since, got, want)
			}
		}
		_, got := patched.do(http.MethodPost, "", nil)
		_, want := full.do(http.MethodPost, "", nil)
		if !bytes.Equal(got, want) {
			t.Errorf("after change %d, handshake:\npatched %s\nfull    %s", i, got, want)
		}
	}
}

func TestPublisher_GetAfterScript(t *testing.T) {
	store := newMemStore()
	tp := newTestPublisher(t, store, store)
	for _, c := range script() {
		tp.mustApply(c)
	}
	_, body := tp.do(http.MethodGet, "last_update_ts=0", nil)
	var got struct {
		Updates      map[string]update `json:"updates"`
		CurrentPosts []string          `json:"currentPosts"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("GET body is not JSON: %v\n%s", err, body)
	}
	want := []string{postTS(0), postTS(1), postTS(2)}
	if !slices.Equal(got.CurrentPosts, want) {
		t.Errorf("currentPosts = %q, want %q", got.CurrentPosts, want)
	}
	if !got.Updates[postTS(2)].Show {
		t.Errorf("post shown again is still hidden")
	}
	if !bytes.Contains([]byte(got.Updates[postTS(1)].Content), []byte("corrected")) {
		t.Errorf("edited post = %s", got.Updates[postTS(1)].Content)
	}

	_, head := tp.do(http.MethodPost, "", nil)
	wantHandshake := `{"livePosts":["1623321120.000100","1623321060.000100","1623321000.000100"],` +
		`"lastUpdateTimestamp":1733328008.000000,"pollingInterval":3000}` + "\n"
	if string(head) != wantHandshake {
		t.Errorf("handshake = %s, want %s", head, wantHandshake)
	}
}

func TestPublisher_ReadsNoStoreAfterLoad(t *testing.T) {
	store := newMemStore()
	tp := newTestPublisher(t, store, store)
	for i := 0; i < 30; i++ {
		tp.mustApply(textChange(postTS(i), "post "+strconv.Itoa(i)))
	}
	tp.do(http.MethodHead, "", nil)
	before := tp.store.reads.Load()
	for _, q := range []string{"last_update_ts=0", "last_update_ts=1733328020", "last_update_ts=9999999999"} {
		tp.do(http.MethodGet, q, nil)
	}
	tp.do(http.MethodHead, "", nil)
	tp.do(http.MethodPost, "", nil)
	if got := tp.store.reads.Load() - before; got != 0 {
		t.Errorf("polling requests read the store %d times, want 0", got)
	}
}

func TestPublisher_LoadsLazily(t *testing.T) {
	store := newMemStore()
	store.apply(textChange(postTS(1), "committed before start"))
	tp := newTestPublisher(t, store, store)
	resp, body := tp.do(http.MethodPost, "", nil)
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(postTS(1))) {
		t.Errorf("first handshake = %s %s, want the stored post", resp.Status, body)
	}
}

func TestPublisher_InvalidateReloads(t *testing.T) {
	store := newMemStore()
	tp := newTestPublisher(t, store, store)
	tp.do(http.MethodHead, "", nil)
	store.apply(textChange(postTS(1), "committed around the writer"))
	tp.Invalidate(testChannel)
	resp, _ := tp.do(http.MethodHead, "", nil)
	if got := resp.Header.Get("Last-Update-At"); got != "1733328001.000000" {
		t.Errorf("Last-Update-At after Invalidate = %q, want the new clock", got)
	}
}

// Readers polling while changes commit must only ever see whole
// snapshots: every update belongs to a current post, and the clock never
// goes back.
func TestPublisher_ConcurrentReadersSeeWholeSnapshots(t *testing.T) {
	store := newMemStore()
	tp := newTestPublisher(t, store, store)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := 0.0
			for {
				select {
				case <-stop:
					return
				default:
				}
				var u struct {
					Updates      map[string]update `json:"updates"`
					CurrentPosts []string          `json:"currentPosts"`
					Last         float64           `json:"lastUpdateTimestamp"`
				}
				snap, err := tp.snapshot(context.Background(), testChannel)
				if err != nil {
					t.Error(err)
					return
				}
				body := snap.updatesBody(0)
				if err := json.Unmarshal(body.plain, &u); err != nil {
					t.Error(err)
					return
				}
				for id := range u.Updates {
					if !slices.Contains(u.CurrentPosts, id) {
						t.Errorf("update %s is not among currentPosts %q", id, u.CurrentPosts)
					}
				}
				if u.Last < last {
					t.Errorf("clock went back from %f to %f", last, u.Last)
				}
				last = u.Last
			}
		}()
	}
	for i := 0; i < 200; i++ {
		tp.mustApply(textChange(postTS(i%40), "post "+strconv.Itoa(i)))
		if i%7 == 0 {
			tp.mustApply(bridge.Change{Op: bridge.OpDelete, ChannelID: testChannel, TS: postTS(i % 40)})
		}
	}
	close(stop)
	wg.Wait()
}
