package publisher

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/liveline/liveline/bridge"
)

// minGzipSize is the smallest body sent compressed. Below it, gzip's 18
// bytes of framing and the CPU time outweigh the bytes saved.
const minGzipSize = 512

// cachedBody is one response body of a snapshot. A body the snapshot keeps
// is built and compressed on first use, so once per change of the channel.
type cachedBody struct {
	etag    string // strong entity tag of the uncompressed body
	gzipTag string // entity tag of the gzip body

	once    sync.Once
	plain   []byte
	gzipped []byte // nil when plain is below minGzipSize or not cached
}

// get builds the body with build(n) on first use and returns b.
func (b *cachedBody) get(build func(int) []byte, n int) *cachedBody {
	b.once.Do(func() {
		b.plain = build(n)
		b.gzipTag = gzipETag(b.etag)
		if len(b.plain) >= minGzipSize {
			b.gzipped = gzipBytes(b.plain)
		}
	})
	return b
}

// gzipETag returns the entity tag of the gzip form of a body tagged etag.
// The two forms are different representations, so they need different
// strong tags.
func gzipETag(etag string) string {
	return strings.TrimSuffix(etag, `"`) + `-gz"`
}

func gzipBytes(plain []byte) []byte {
	var b bytes.Buffer
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(&b)
	zw.Write(plain)
	zw.Close()
	gzipWriters.Put(zw)
	return b.Bytes()
}

// gzipWriters reuses compressors, each of which allocates about 800 KB.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	return zw
}}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip
// with a nonzero quality.
func acceptsGzip(r *http.Request) bool {
	for _, header := range r.Header.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(header, ",") {
			name, params, _ := strings.Cut(part, ";")
			name = strings.TrimSpace(name)
			if !strings.EqualFold(name, "gzip") && !strings.EqualFold(name, "x-gzip") {
				continue
			}
			return !zeroQuality(params)
		}
	}
	return false
}

func zeroQuality(params string) bool {
	for param := range strings.SplitSeq(params, ";") {
		key, value, _ := strings.Cut(strings.TrimSpace(param), "=")
		if strings.EqualFold(strings.TrimSpace(key), "q") {
			q, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
			return err == nil && q == 0
		}
	}
	return false
}

// lastModified returns the Last-Modified time for a channel at last, or the
// zero time when none may be sent yet. HTTP dates have whole seconds, so a
// second change in the same second as last would carry the same date and a
// client holding the first would wrongly get 304. Once that second has
// passed at now, every later stamp falls in a later second.
//
// NOTE: bridge.NextStamp moves the clock by 1µs when the wall clock stands
// behind it, and such stamps can stay in one second; If-None-Match, which
// clients send when they have an ETag, is exact in that case.
func lastModified(last bridge.Stamp, now time.Time) time.Time {
	if last <= 0 {
		return time.Time{}
	}
	t := last.Time().Truncate(time.Second)
	if now.Before(t.Add(time.Second)) {
		return time.Time{}
	}
	return t
}

// notModified reports whether a GET or HEAD may be answered with 304.
// If-None-Match decides alone when present, as RFC 9110, section 13.2.2,
// requires; If-Modified-Since counts only without it.
func notModified(r *http.Request, etag string, modified time.Time) bool {
	if tags := r.Header.Values("If-None-Match"); len(tags) > 0 {
		return etagListMatches(tags, etag)
	}
	if modified.IsZero() {
		return false
	}
	since, err := http.ParseTime(r.Header.Get("If-Modified-Since"))
	if err != nil {
		return false
	}
	return !modified.After(since)
}

// etagListMatches compares If-None-Match values with etag by the weak
// comparison RFC 9110 prescribes for it. The gzip form's tag matches too,
// because both forms carry the same content.
func etagListMatches(values []string, etag string) bool {
	for _, value := range values {
		for tag := range strings.SplitSeq(value, ",") {
			tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
			if tag == "*" || tag == etag || tag == gzipETag(etag) {
				return true
			}
		}
	}
	return false
}

// writeBody sends body as JSON, compressed when the client accepts gzip.
// With validate set it adds the caching headers and answers a matching
// conditional request with 304.
func (p *Publisher) writeBody(w http.ResponseWriter, r *http.Request, body *cachedBody, modified time.Time, validate bool) {
	h := w.Header()
	h.Add("Vary", "Accept-Encoding")
	compress := len(body.plain) >= minGzipSize && acceptsGzip(r)
	if validate {
		tag := body.etag
		if compress {
			tag = body.gzipTag
		}
		h["Cache-Control"] = p.cacheControl
		h["Etag"] = []string{tag}
		if !modified.IsZero() {
			h["Last-Modified"] = []string{modified.UTC().Format(http.TimeFormat)}
		}
		if notModified(r, body.etag, modified) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	} else {
		h["Cache-Control"] = noCache
	}
	h["Content-Type"] = jsonType

	switch {
	case !compress:
		writeBytes(w, body.plain)
	case body.gzipped != nil:
		h["Content-Encoding"] = gzipEncoding
		writeBytes(w, body.gzipped)
	default:
		h["Content-Encoding"] = gzipEncoding
		zw := gzipWriters.Get().(*gzip.Writer)
		zw.Reset(w)
		zw.Write(body.plain)
		zw.Close()
		gzipWriters.Put(zw)
	}
}

func writeBytes(w http.ResponseWriter, b []byte) {
	w.Header()["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.Write(b)
}

// Header values shared by every response. net/http only reads them.
var (
	noCache      = []string{"no-cache"}
	jsonType     = []string{"application/json"}
	gzipEncoding = []string{"gzip"}
	zeroLength   = []string{"0"}
)
