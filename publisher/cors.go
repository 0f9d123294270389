package publisher

import (
	"net/http"
	"strings"

	"github.com/go-chi/cors"
)

// Options of the CORS middleware on the polling routes. corsPolicy must
// send the same headers for actual requests.
var (
	corsMethods        = []string{http.MethodGet, http.MethodHead, http.MethodPost}
	corsAllowedHeaders = []string{"Content-Type", "If-None-Match", "If-Modified-Since"}
	corsExposedHeaders = []string{"Last-Update-At", "Polling-Interval", "ETag", "Last-Modified"}
)

func (p *Publisher) cors() func(http.Handler) http.Handler {
	origins := p.cfg.AllowedOrigins
	if len(origins) == 0 {
		origins = []string{"*"}
	}
	return cors.Handler(cors.Options{
		AllowedOrigins: origins,
		AllowedMethods: corsMethods,
		AllowedHeaders: corsAllowedHeaders,
		ExposedHeaders: corsExposedHeaders,
		MaxAge:         600,
	})
}

// corsPolicy adds the CORS headers of an actual GET, HEAD or POST polling
// request as the go-chi/cors v1.2 middleware of Routes does, with shared
// header values in place of its per-request allocations. Preflight
// requests go through Routes.
type corsPolicy struct {
	all      bool
	origins  []string    // lower case, without *
	patterns [][2]string // prefix and suffix of origins with one *
}

// Header values shared by every polling response. net/http only reads
// them, and a handler that appends to one gets a copy, because each has
// len equal to cap.
var (
	varyOrigin         = []string{"Origin"}
	varyAcceptEncoding = []string{"Accept-Encoding"}
	varyBoth           = []string{"Origin", "Accept-Encoding"}
	anyOrigin          = []string{"*"}
	exposedHeaders     = []string{canonicalList(corsExposedHeaders)}
)

// newCORSPolicy reads origins as go-chi/cors does: case-insensitive, "*"
// or an empty list allows all, and one * in an origin matches any text.
func newCORSPolicy(origins []string) *corsPolicy {
	c := &corsPolicy{all: len(origins) == 0}
	for _, origin := range origins {
		origin = strings.ToLower(origin)
		if origin == "*" {
			return &corsPolicy{all: true}
		}
		if prefix, suffix, ok := strings.Cut(origin, "*"); ok {
			c.patterns = append(c.patterns, [2]string{prefix, suffix})
			continue
		}
		c.origins = append(c.origins, origin)
	}
	return c
}

// setHeaders sets Vary: Origin and, when r comes from an allowed origin,
// the Access-Control headers of the response.
func (c *corsPolicy) setHeaders(h http.Header, r *http.Request) {
	h["Vary"] = varyOrigin
	values, ok := r.Header["Origin"]
	if !ok {
		return
	}
	origin := ""
	if len(values) > 0 {
		origin = values[0]
	}
	switch {
	case c.all:
		h["Access-Control-Allow-Origin"] = anyOrigin
	case c.allows(origin):
		h["Access-Control-Allow-Origin"] = []string{origin}
	default:
		return
	}
	h["Access-Control-Expose-Headers"] = exposedHeaders
}

func (c *corsPolicy) allows(origin string) bool {
	origin = strings.ToLower(origin)
	for _, o := range c.origins {
		if o == origin {
			return true
		}
	}
	for _, p := range c.patterns {
		if len(origin) >= len(p[0])+len(p[1]) &&
			strings.HasPrefix(origin, p[0]) && strings.HasSuffix(origin, p[1]) {
			return true
		}
	}
	return false
}

// addVaryAcceptEncoding adds Accept-Encoding to Vary without allocating
// in the common cases.
func addVaryAcceptEncoding(h http.Header) {
	switch vary := h["Vary"]; {
	case len(vary) == 0:
		h["Vary"] = varyAcceptEncoding
	case len(vary) == 1 && vary[0] == "Origin":
		h["Vary"] = varyBoth
	default:
		h["Vary"] = append(vary, "Accept-Encoding")
	}
}

// canonicalList joins names in canonical form, as go-chi/cors sends them
// in Access-Control-Expose-Headers.
func canonicalList(names []string) string {
	canonical := make([]string, len(names))
	for i, name := range names {
		canonical[i] = http.CanonicalHeaderKey(name)
	}
	return strings.Join(canonical, ", ")
}
