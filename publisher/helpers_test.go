package publisher

import (
	"cmp"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/liveline/liveline/bridge"
)

const testChannel = "C0LIVE01"

// memStore is an in-memory bridge.PostReader and bridge.ChangeReader that
// merges changes with bridge.Merge, as the SQLite store does.
type memStore struct {
	mu    sync.Mutex
	posts map[string]*bridge.Post // by ts, tombstones included
	last  bridge.Stamp
	reads atomic.Int64
}

func newMemStore() *memStore {
	return &memStore{posts: map[string]*bridge.Post{}}
}

// apply merges c and, when readers see a change, moves the clock by one
// second, so tests can tell stamps apart by the HTTP date too.
func (m *memStore) apply(c bridge.Change) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	next, visible, _ := bridge.Merge(m.posts[c.TS], c)
	if next == nil {
		return false
	}
	if visible {
		if m.last == 0 {
			m.last = 1733328000 * 1e6
		}
		m.last += 1e6
		next.Updated = m.last
	}
	m.posts[c.TS] = next
	return visible
}

func (m *memStore) sorted(keep func(*bridge.Post) bool) []bridge.Post {
	var out []bridge.Post
	for _, p := range m.posts {
		if keep(p) {
			out = append(out, *p)
		}
	}
	slices.SortFunc(out, func(a, b bridge.Post) int { return bridge.CompareTS(a.TS, b.TS) })
	return out
}

func (m *memStore) LastUpdate(context.Context, string) (bridge.Stamp, error) {
	m.reads.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.last, nil
}

func (m *memStore) Posts(context.Context, string) ([]bridge.Post, error) {
	m.reads.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.sorted(func(p *bridge.Post) bool { return !p.Deleted }), nil
}

func (m *memStore) PostsSince(_ context.Context, _ string, since bridge.Stamp) ([]bridge.Post, bridge.Stamp, error) {
	m.reads.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.sorted(func(p *bridge.Post) bool { return !p.Deleted && p.Updated >= since }), m.last, nil
}

func (m *memStore) ChangesSince(_ context.Context, _ string, since bridge.Stamp) ([]bridge.Post, bridge.Stamp, error) {
	m.reads.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.sorted(func(p *bridge.Post) bool { return p.Updated > since })
	slices.SortFunc(out, func(a, b bridge.Post) int { return cmp.Compare(a.Updated, b.Updated) })
	return out, m.last, nil
}

// fullReader is a memStore without ChangesSince, so the publisher falls
// back to reading every post.
type fullReader struct{ m *memStore }

func (f fullReader) LastUpdate(ctx context.Context, id string) (bridge.Stamp, error) {
	return f.m.LastUpdate(ctx, id)
}

func (f fullReader) Posts(ctx context.Context, id string) ([]bridge.Post, error) {
	return f.m.Posts(ctx, id)
}

func (f fullReader) PostsSince(ctx context.Context, id string, since bridge.Stamp) ([]bridge.Post, bridge.Stamp, error) {
	return f.m.PostsSince(ctx, id, since)
}

// testPublisher serves a memStore with one mapped channel.
type testPublisher struct {
	*Publisher
	t      testing.TB
	store  *memStore
	server *httptest.Server
	now    time.Time
}

func newTestPublisher(t testing.TB, reader bridge.PostReader, store *memStore) *testPublisher {
	t.Helper()
	channels, err := bridge.NewChannels([]bridge.Channel{{ID: testChannel, Slug: "election"}})
	if err != nil {
		t.Fatal(err)
	}
	tp := &testPublisher{t: t, store: store, now: time.Unix(1900000000, 0)}
	pub, err := New(Config{
		Channels:    channels,
		Posts:       reader,
		CacheMaxAge: 5 * time.Second,
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now:         func() time.Time { return tp.now },
	})
	if err != nil {
		t.Fatal(err)
	}
	tp.Publisher = pub
	tp.server = httptest.NewServer(pollingFirst(pub))
	t.Cleanup(tp.server.Close)
	return tp
}

// pollingFirst serves requests as the App does: ServePolling first, then
// Routes.
func pollingFirst(p *Publisher) http.Handler {
	routes := p.Routes()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !p.ServePolling(w, r) {
			routes.ServeHTTP(w, r)
		}
	})
}

// mustApply merges c into the store and refreshes the snapshot, as the
// App's writer does.
func (tp *testPublisher) mustApply(c bridge.Change) {
	tp.t.Helper()
	if tp.store.apply(c) {
		if err := tp.Refresh(context.Background(), c.ChannelID); err != nil {
			tp.t.Fatal(err)
		}
	}
}

// do sends a request to the polling path with the given headers.
func (tp *testPublisher) do(method, query string, header http.Header) (*http.Response, []byte) {
	tp.t.Helper()
	url := tp.server.URL + "/live/" + testChannel + "/updates"
	if query != "" {
		url += "?" + query
	}
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		tp.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := plainTransport.RoundTrip(req)
	if err != nil {
		tp.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tp.t.Fatal(err)
	}
	return resp, body
}

// plainTransport sends requests with the headers a test sets and no
// Accept-Encoding of its own, so gzip bodies arrive as sent.
var plainTransport = &http.Transport{DisableCompression: true}

func textChange(ts, text string) bridge.Change {
	return bridge.Change{Op: bridge.OpUpsert, ChannelID: testChannel, TS: ts, Post: &bridge.Post{
		Author: bridge.Author{Name: "Reporter"},
		Blocks: []bridge.Block{{Type: bridge.BlockText, HTML: "<p>" + text + "</p>"}},
	}}
}

// postTS returns the ts of the i-th test post, one minute apart.
func postTS(i int) string {
	return strconv.Itoa(1623321000+60*i) + ".000100"
}
