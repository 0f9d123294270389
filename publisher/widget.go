package publisher

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
)

// widgetCSSPlaceholder is the string literal in assets/widget.js that
// widgetScript replaces with the contents of assets/widget.css.
const widgetCSSPlaceholder = `"__LIVELINE_CSS__"`

// widgetAsset is the served widget.js with its stylesheet inlined, and its
// ETag.
type widgetAsset struct {
	body []byte
	etag string
}

// widgetScript assembles widget.js once. The stylesheet stays in its own
// file so the reader page can inline the same rules without JavaScript.
var widgetScript = sync.OnceValue(func() widgetAsset {
	js, err := assets.ReadFile("assets/widget.js")
	if err != nil {
		panic("publisher: widget.js missing from the embedded assets")
	}
	css, _ := json.Marshal(widgetCSS())
	body := strings.Replace(string(js), widgetCSSPlaceholder, string(css), 1)
	sum := sha256.Sum256([]byte(body))
	etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
	return widgetAsset{body: []byte(body), etag: etag}
})

// widgetCSS returns the widget's stylesheet, scoped to its root element.
func widgetCSS() string {
	css, err := assets.ReadFile("assets/widget.css")
	if err != nil {
		panic("publisher: widget.css missing from the embedded assets")
	}
	return string(css)
}

// serveWidget sends widget.js to any origin, so news sites can embed it.
func serveWidget(w http.ResponseWriter, r *http.Request) {
	asset := widgetScript()
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("ETag", asset.etag)
	if etagMatches(r.Header.Get("If-None-Match"), asset.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Write(asset.body)
}

// etagMatches reports whether an If-None-Match header lists etag. It
// compares weakly, ignoring W/ prefixes, as If-None-Match does.
func etagMatches(header, etag string) bool {
	for _, candidate := range strings.Split(header, ",") {
		candidate = strings.TrimPrefix(strings.TrimSpace(candidate), "W/")
		if candidate == "*" || candidate == etag {
			return true
		}
	}
	return false
}
