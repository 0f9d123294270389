package publisher

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/liveline/liveline/bridge"
)

// cachingPublisher returns a publisher with enough posts that GET bodies
// pass minGzipSize.
func cachingPublisher(t *testing.T) *testPublisher {
	t.Helper()
	store := newMemStore()
	tp := newTestPublisher(t, store, store)
	for i := 0; i < 30; i++ {
		tp.mustApply(textChange(postTS(i), strings.Repeat("Polls close at 10pm. ", 5)))
	}
	return tp
}

func TestPublisher_ConditionalGET(t *testing.T) {
	tp := cachingPublisher(t)
	const query = "last_update_ts=1733328029"
	resp, body := tp.do(http.MethodGet, query, nil)
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != http.StatusOK || etag == "" {
		t.Fatalf("GET = %s with ETag %q, want 200 and a tag", resp.Status, etag)
	}
	if got := resp.Header.Get("Cache-Control"); got != "public, max-age=5" {
		t.Errorf("Cache-Control = %q, want public, max-age=5", got)
	}

	again, rest := tp.do(http.MethodGet, query, http.Header{"If-None-Match": {etag}})
	if again.StatusCode != http.StatusNotModified {
		t.Errorf("GET with the same ETag = %s, want 304", again.Status)
	}
	if len(rest) != 0 {
		t.Errorf("304 has a body of %d bytes", len(rest))
	}
	if again.Header.Get("ETag") != etag {
		t.Errorf("304 ETag = %q, want %q", again.Header.Get("ETag"), etag)
	}

	other, _ := tp.do(http.MethodGet, "last_update_ts=0", http.Header{"If-None-Match": {etag}})
	if other.StatusCode != http.StatusOK {
		t.Errorf("GET for other posts with the ETag = %s, want 200", other.Status)
	}

	tp.mustApply(textChange(postTS(20), "new"))
	changed, newBody := tp.do(http.MethodGet, query, http.Header{"If-None-Match": {etag}})
	if changed.StatusCode != http.StatusOK {
		t.Errorf("GET after a change = %s, want 200", changed.Status)
	}
	if bytes.Equal(body, newBody) {
		t.Errorf("body did not change after a new post")
	}
}

func TestPublisher_ConditionalHead(t *testing.T) {
	tp := cachingPublisher(t)
	resp, _ := tp.do(http.MethodHead, "", nil)
	etag := resp.Header.Get("ETag")
	if etag == "" || resp.Header.Get("Last-Update-At") == "" {
		t.Fatalf("HEAD headers = %v, want ETag and Last-Update-At", resp.Header)
	}
	again, _ := tp.do(http.MethodHead, "", http.Header{"If-None-Match": {"W/" + etag}})
	if again.StatusCode != http.StatusNotModified {
		t.Errorf("HEAD with a weak form of its ETag = %s, want 304", again.Status)
	}
	tp.mustApply(textChange(postTS(20), "new"))
	changed, _ := tp.do(http.MethodHead, "", http.Header{"If-None-Match": {etag}})
	if changed.StatusCode != http.StatusOK {
		t.Errorf("HEAD after a change = %s, want 200", changed.Status)
	}
}

func TestPublisher_IfModifiedSince(t *testing.T) {
	tp := cachingPublisher(t)
	last := bridge.Stamp(1733328030 * 1e6)

	tp.now = last.Time().Add(500 * time.Millisecond)
	resp, _ := tp.do(http.MethodHead, "", nil)
	if got := resp.Header.Get("Last-Modified"); got != "" {
		t.Errorf("Last-Modified within the second of the change = %q, want none", got)
	}

	tp.now = last.Time().Add(3 * time.Second)
	resp, _ = tp.do(http.MethodGet, "last_update_ts=0", nil)
	modified := resp.Header.Get("Last-Modified")
	if modified != "Wed, 04 Dec 2024 16:00:30 GMT" {
		t.Fatalf("Last-Modified = %q, want the second of the last change", modified)
	}
	tests := []struct {
		name   string
		header http.Header
		want   int
	}{
		{"same date", http.Header{"If-Modified-Since": {modified}}, http.StatusNotModified},
		{"earlier date", http.Header{"If-Modified-Since": {"Wed, 04 Dec 2024 16:00:29 GMT"}},
			http.StatusOK},
		{"unparsable date", http.Header{"If-Modified-Since": {"yesterday"}}, http.StatusOK},
		{"If-None-Match wins", http.Header{"If-Modified-Since": {modified},
			"If-None-Match": {`"other"`}}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, _ := tp.do(http.MethodGet, "last_update_ts=0", tt.header)
			if resp.StatusCode != tt.want {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.want)
			}
		})
	}
}

func TestPublisher_Gzip(t *testing.T) {
	tp := cachingPublisher(t)
	plainResp, plain := tp.do(http.MethodGet, "last_update_ts=0", nil)
	if enc := plainResp.Header.Get("Content-Encoding"); enc != "" {
		t.Fatalf("Content-Encoding without Accept-Encoding = %q", enc)
	}
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		t.Run(method, func(t *testing.T) {
			resp, body := tp.do(method, "last_update_ts=0", http.Header{"Accept-Encoding": {"br, gzip"}})
			if enc := resp.Header.Get("Content-Encoding"); enc != "gzip" {
				t.Fatalf("Content-Encoding = %q, want gzip", enc)
			}
			if !slices.Contains(resp.Header.Values("Vary"), "Accept-Encoding") {
				t.Errorf("Vary = %q, want Accept-Encoding among them", resp.Header.Values("Vary"))
			}
			if got := resp.Header.Get("Content-Length"); got != strconv.Itoa(len(body)) {
				t.Errorf("Content-Length = %s, want %d", got, len(body))
			}
			unzipped := gunzip(t, body)
			if method == http.MethodGet && !bytes.Equal(unzipped, plain) {
				t.Errorf("gzip body differs from the plain body")
			}
		})
	}

	refused, _ := tp.do(http.MethodGet, "last_update_ts=0", http.Header{"Accept-Encoding": {"gzip;q=0"}})
	if enc := refused.Header.Get("Content-Encoding"); enc != "" {
		t.Errorf("Content-Encoding with gzip;q=0 = %q, want none", enc)
	}
	zipped, _ := tp.do(http.MethodGet, "last_update_ts=0", http.Header{"Accept-Encoding": {"gzip"}})
	if zipped.Header.Get("ETag") == plainResp.Header.Get("ETag") {
		t.Errorf("gzip and plain bodies share the ETag %s", zipped.Header.Get("ETag"))
	}
	revalidated, _ := tp.do(http.MethodGet, "last_update_ts=0", http.Header{
		"If-None-Match": {zipped.Header.Get("ETag")}})
	if revalidated.StatusCode != http.StatusNotModified {
		t.Errorf("plain GET with the gzip ETag = %s, want 304", revalidated.Status)
	}
}

// A GET for most of a long channel is built per request; its gzip body is
// compressed while it is written.
func TestPublisher_GzipUncachedBody(t *testing.T) {
	store := newMemStore()
	tp := newTestPublisher(t, store, store)
	for i := 0; i < maxCachedUpdates+10; i++ {
		tp.mustApply(textChange(postTS(i), "post "+strconv.Itoa(i)))
	}
	since := "1733328002"
	_, plain := tp.do(http.MethodGet, "last_update_ts="+since, nil)
	resp, body := tp.do(http.MethodGet, "last_update_ts="+since, http.Header{"Accept-Encoding": {"gzip"}})
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding = %q, want gzip", resp.Header.Get("Content-Encoding"))
	}
	if !bytes.Equal(gunzip(t, body), plain) {
		t.Errorf("streamed gzip body differs from the plain body")
	}
}

func TestPublisher_CORSHeaders(t *testing.T) {
	tp := cachingPublisher(t)
	resp, _ := tp.do(http.MethodGet, "last_update_ts=0", http.Header{
		"Origin": {"https://news.example.org"}, "Accept-Encoding": {"gzip"}})
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("Access-Control-Allow-Origin = %q, want *", got)
	}
	vary := resp.Header.Values("Vary")
	for _, want := range []string{"Origin", "Accept-Encoding"} {
		if !slices.Contains(vary, want) {
			t.Errorf("Vary = %q, want %s among them", vary, want)
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"deflate, gzip;q=1.0, *;q=0.5", true},
		{"GZIP", true},
		{"gzip;q=0", false},
		{"gzip; q=0.000", false},
		{"br", false},
		{"x-gzip", true},
	}
	for _, tt := range tests {
		r, _ := http.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Accept-Encoding", tt.header)
		if got := acceptsGzip(r); got != tt.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

func gunzip(t *testing.T, body []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
