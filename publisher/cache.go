package publisher

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/liveline/liveline/bridge"
)

// minGzipSize is the smallest body sent compressed. Below it, gzip's 18
// bytes of framing and the CPU time outweigh the bytes saved.
const minGzipSize = 512

// maxKeptBodySize is the largest uncompressed body a snapshot keeps. A
// larger one, such as the full history of a long channel, keeps only its
// gzip form, which browsers request, and is rebuilt for each client that
// does not accept gzip.
const maxKeptBodySize = 256 << 10

// cachedBody is one response body of a snapshot with its header values. A
// body the snapshot keeps is built on first use and compressed on the
// first request that accepts gzip, so each at most once per change of the
// channel.
type cachedBody struct {
	etag    string // strong entity tag of the uncompressed body
	gzipTag string // entity tag of the gzip body
	// contentType is the Content-Type header; nil sends JSON.
	contentType []string

	once    sync.Once
	size    int    // length of the uncompressed body
	plain   []byte // nil when size is above maxKeptBodySize
	rebuild func() []byte
	// compress makes the gzip form from the plain one; nil uses
	// gzipBytes. Set it before the first get.
	compress func([]byte) []byte
	// lazyGzip is set when gzipForm builds gzipped on first use.
	lazyGzip      bool
	gzipOnce      sync.Once
	gzipDone      atomic.Bool // set once gzipOnce has run
	gzipped       []byte      // nil when size is below minGzipSize or not cached
	etagHeader    []string
	gzipTagHeader []string
	plainLength   []string // Content-Length of plain
	gzipLength    []string // Content-Length of gzipped
}

// get builds the body with build(n) on first use and returns b.
func (b *cachedBody) get(build func(int) []byte, n int) *cachedBody {
	b.once.Do(func() {
		if b.compress == nil {
			b.compress = gzipBytes
		}
		b.setPlain(build(n))
		switch {
		case b.size > maxKeptBodySize:
			b.setGzipped(b.compress(b.plain))
			b.plain = nil
			b.rebuild = func() []byte { return build(n) }
		case b.size >= minGzipSize:
			b.lazyGzip = true
		}
	})
	return b
}

// gzipForm returns the kept gzip body and its Content-Length, compressing
// it on first use, or nil when the body is not kept compressed.
func (b *cachedBody) gzipForm() ([]byte, []string) {
	// The flag spares each request the closure that Do would allocate.
	if b.lazyGzip && !b.gzipDone.Load() {
		b.gzipOnce.Do(func() {
			b.setGzipped(b.compress(b.plain))
			b.gzipDone.Store(true)
		})
	}
	return b.gzipped, b.gzipLength
}

func (b *cachedBody) setGzipped(gzipped []byte) {
	b.gzipped, b.gzipLength = gzipped, []string{strconv.Itoa(len(gzipped))}
}

// newBody returns a body that is built for one request and compressed,
// when the client accepts gzip, as it is sent.
func newBody(etag string, plain []byte) *cachedBody {
	b := &cachedBody{etag: etag}
	b.setPlain(plain)
	return b
}

func (b *cachedBody) setPlain(plain []byte) {
	b.plain, b.size = plain, len(plain)
	b.gzipTag = gzipETag(b.etag)
	b.etagHeader, b.gzipTagHeader = []string{b.etag}, []string{b.gzipTag}
	b.plainLength = []string{strconv.Itoa(len(plain))}
}

// plainBytes returns the uncompressed body, building it when it is not
// kept.
func (b *cachedBody) plainBytes() []byte {
	if b.plain == nil && b.rebuild != nil {
		return b.rebuild()
	}
	return b.plain
}

// gzipETag returns the entity tag of the gzip form of a body tagged etag.
// The two forms are different representations, so they need different
// strong tags.
func gzipETag(etag string) string {
	return strings.TrimSuffix(etag, `"`) + `-gz"`
}

func gzipBytes(plain []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(plain)/4 + 64)
	writeGzip(&b, plain)
	return trimmed(b.Bytes())
}

// trimmed returns b, or a copy without its spare capacity when that is
// above 4 KB, because snapshots keep compressed bodies until the next
// change and the estimate of their size may be far off.
func trimmed(b []byte) []byte {
	if cap(b)-len(b) > 4<<10 {
		return bytes.Clone(b)
	}
	return b
}

// writeGzip writes plain to w as one gzip member, byte for byte what
// compress/gzip writes at gzip.BestSpeed with an empty gzip.Header. It
// frames the deflate stream itself, so gzip bodies and the chunks of
// idList share one pool of compressors.
func writeGzip(w io.Writer, plain []byte) {
	w.Write(gzipHeader[:])
	fw := flateWriters.Get().(*flate.Writer)
	fw.Reset(w)
	fw.Write(plain)
	fw.Close()
	flateWriters.Put(fw)
	trailer := gzipTrailer(plain)
	w.Write(trailer[:])
}

// gzipHeader is the header compress/gzip writes at gzip.BestSpeed with an
// empty gzip.Header: no name, no modification time, extra flags 4 (fastest
// compression) and operating system 255 (unknown).
var gzipHeader = [...]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 255}

const gzipHeaderSize = len(gzipHeader)

// gzipTrailer returns the CRC-32 and the length of plain that end a gzip
// member.
func gzipTrailer(plain []byte) [8]byte {
	var trailer [8]byte
	binary.LittleEndian.PutUint32(trailer[:4], crc32.ChecksumIEEE(plain))
	binary.LittleEndian.PutUint32(trailer[4:], uint32(len(plain)))
	return trailer
}

// flateWriters reuses raw deflate compressors, each of which allocates
// about 1.2 MB at flate.BestSpeed (measured with Go 1.26).
var flateWriters = sync.Pool{New: func() any {
	fw, _ := flate.NewWriter(io.Discard, flate.BestSpeed)
	return fw
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

// httpDate is a Last-Modified value and the time it names.
type httpDate struct {
	time   time.Time
	header []string
}

// newHTTPDate returns the Last-Modified date of a channel at last, or nil
// before the channel's first change. HTTP dates have whole seconds.
func newHTTPDate(last bridge.Stamp) *httpDate {
	if last <= 0 {
		return nil
	}
	t := last.Time().Truncate(time.Second)
	return &httpDate{time: t, header: []string{t.Format(http.TimeFormat)}}
}

// lastModified returns date when it may be sent at now, or nil. A second
// change in the same second as last would carry the same date and a
// client holding the first would wrongly get 304. Once that second has
// passed at now, every later stamp falls in a later second.
//
// NOTE: bridge.NextStamp moves the clock by 1µs when the wall clock is
// behind it, and such stamps can stay in one second; If-None-Match, which
// clients send when they have an ETag, is exact in that case.
func lastModified(date *httpDate, now time.Time) *httpDate {
	if date == nil || now.Before(date.time.Add(time.Second)) {
		return nil
	}
	return date
}

// notModified reports whether a GET or HEAD may get a 304 response.
// If-None-Match decides alone when present, as RFC 9110, section 13.2.2,
// requires; If-Modified-Since counts only without it.
func notModified(r *http.Request, etag, gzipTag string, modified *httpDate) bool {
	if tags := r.Header.Values("If-None-Match"); len(tags) > 0 {
		return etagListMatches(tags, etag, gzipTag)
	}
	header := r.Header.Get("If-Modified-Since")
	if modified == nil || header == "" {
		return false
	}
	since, err := http.ParseTime(header)
	if err != nil {
		return false
	}
	return !modified.time.After(since)
}

// etagListMatches compares If-None-Match values with etag by the weak
// comparison RFC 9110 prescribes for it. The gzip form's tag matches too,
// because both forms carry the same content.
func etagListMatches(values []string, etag, gzipTag string) bool {
	for _, value := range values {
		for tag := range strings.SplitSeq(value, ",") {
			tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
			if tag == "*" || tag == etag || tag == gzipTag {
				return true
			}
		}
	}
	return false
}

// writeBody sends body, with its contentType or as JSON,
// compressed when the client accepts gzip.
// With validate set it adds the caching headers and responds to a matching
// conditional request with 304.
func (p *Publisher) writeBody(w http.ResponseWriter, r *http.Request, body *cachedBody, modified *httpDate, validate bool) {
	h := w.Header()
	addVaryAcceptEncoding(h)
	compress := body.size >= minGzipSize && acceptsGzip(r)
	if validate {
		tag := body.etagHeader
		if compress {
			tag = body.gzipTagHeader
		}
		h["Cache-Control"] = p.cacheControl
		h["Etag"] = tag
		if modified != nil {
			h["Last-Modified"] = modified.header
		}
		if notModified(r, body.etag, body.gzipTag, modified) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	} else {
		h["Cache-Control"] = noCache
	}
	h["Content-Type"] = jsonType
	if body.contentType != nil {
		h["Content-Type"] = body.contentType
	}

	if !compress {
		h["Content-Length"] = body.plainLength
		w.Write(body.plainBytes())
		return
	}
	h["Content-Encoding"] = gzipEncoding
	if gzipped, length := body.gzipForm(); gzipped != nil {
		h["Content-Length"] = length
		w.Write(gzipped)
	} else {
		writeGzip(w, body.plainBytes())
	}
}

// Header values shared by every response. net/http only reads them.
var (
	noCache      = []string{"no-cache"}
	jsonType     = []string{"application/json"}
	htmlType     = []string{"text/html; charset=utf-8"}
	gzipEncoding = []string{"gzip"}
	zeroLength   = []string{"0"}
)
