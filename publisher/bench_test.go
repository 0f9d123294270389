package publisher

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/liveline/liveline/bridge"
)

// benchPost returns a post shaped like a live blog's: two paragraphs with
// a link and emphasis, and every fifth post an image.
func benchPost(i int) bridge.Change {
	c := textChange(postTS(i), "")
	c.Post.Author = bridge.Author{ID: "U0REPORTER", Name: "Ada Reporter"}
	c.Post.Blocks = []bridge.Block{{Type: bridge.BlockText, HTML: `<p>Update ` + strconv.Itoa(i) +
		`: turnout in the <b>northern districts</b> is up on the last election, officials ` +
		`say, with queues reported at <a href="https://example.org/polls">several stations</a>.` +
		`</p><p>Counting starts at 10pm; first results are expected around 1am.</p>`}}
	if i%5 == 0 {
		c.Post.Blocks = append(c.Post.Blocks, bridge.Block{Type: bridge.BlockImage,
			URL: "/media/F0" + strconv.Itoa(i) + ".jpg", Alt: "Queue outside a polling station",
			Width: 1200, Height: 800})
	}
	return c
}

// benchPublisher returns a publisher whose channel has n posts, loaded,
// and its handler as the App mounts it.
func benchPublisher(b *testing.B, n int) (*testPublisher, http.Handler) {
	b.Helper()
	store := newMemStore()
	for i := 0; i < n; i++ {
		store.apply(benchPost(i))
	}
	tp := newTestPublisher(b, store, store)
	return tp, pollingFirst(tp.Publisher)
}

func BenchmarkPublisher_postHTML(b *testing.B) {
	tp, _ := benchPublisher(b, 0)
	post := *benchPost(5).Post
	post.TS, post.ChannelID = postTS(5), testChannel
	b.ReportAllocs()
	for b.Loop() {
		tp.postHTML(&post)
	}
}

func benchRequest(b *testing.B, h http.Handler, method, target string, header http.Header) {
	b.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	h.ServeHTTP(httptest.NewRecorder(), req) // loads the snapshot
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("%s %s = %d", method, target, w.Code)
		}
	}
}

const benchPath = "/live/" + testChannel + "/updates"

func BenchmarkPublisher_Head(b *testing.B) {
	_, h := benchPublisher(b, 500)
	benchRequest(b, h, http.MethodHead, benchPath, nil)
}

func BenchmarkPublisher_Handshake(b *testing.B) {
	_, h := benchPublisher(b, 500)
	benchRequest(b, h, http.MethodPost, benchPath, http.Header{"Accept-Encoding": {"gzip"}})
}

func BenchmarkPublisher_GetUnchanged(b *testing.B) {
	_, h := benchPublisher(b, 500)
	benchRequest(b, h, http.MethodGet, benchPath+"?last_update_ts=9999999999",
		http.Header{"Accept-Encoding": {"gzip"}})
}

func BenchmarkPublisher_Get20New(b *testing.B) {
	tp, h := benchPublisher(b, 500)
	since := tp.store.last - 19*1e6
	benchRequest(b, h, http.MethodGet, benchPath+"?last_update_ts="+since.String(),
		http.Header{"Accept-Encoding": {"gzip"}})
}

// BenchmarkPublisher_GetAll requests every post of a 5,000-post channel
// without gzip, the largest body a reader can ask for.
func BenchmarkPublisher_GetAll(b *testing.B) {
	_, h := benchPublisher(b, 5000)
	benchRequest(b, h, http.MethodGet, benchPath+"?last_update_ts=0", nil)
}

// BenchmarkPublisher_Refresh measures the patch after one new post in a
// 500-post channel: one render and a new snapshot.
func BenchmarkPublisher_Refresh(b *testing.B) {
	tp, _ := benchPublisher(b, 500)
	ctx := b.Context()
	if err := tp.Refresh(ctx, testChannel); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 500
	for b.Loop() {
		tp.store.apply(benchPost(i))
		if err := tp.Refresh(ctx, testChannel); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkPublisher_PatchAndGet measures one new post in a 5,000-post
// channel as a polling reader sees it: the patch, then the first GET of the
// new snapshot for the posts since the previous clock, built and gzipped.
func BenchmarkPublisher_PatchAndGet(b *testing.B) {
	tp, _ := benchPublisher(b, 5000)
	snap, err := tp.snapshot(b.Context(), testChannel)
	if err != nil {
		b.Fatal(err)
	}
	snap.updatesBody(snap.last)
	b.ReportAllocs()
	i := 5000
	for b.Loop() {
		post := benchPost(i).Post
		post.TS, post.ChannelID = postTS(i), testChannel
		post.Updated = snap.last + 1
		next := snap.patch([]*entry{tp.newEntry(post)}, nil, post.Updated, snap.interval)
		next.updatesBody(snap.last).gzipForm()
		snap = next
		i++
	}
}
