package publisher

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strings"
	"testing"
)

// maxWidgetGzip is the size budget for widget.js after gzip, in bytes.
const maxWidgetGzip = 10 * 1024

func TestWidget_GzipSize(t *testing.T) {
	body := widgetScript().body
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(body)
	zw.Close()
	t.Logf("widget.js: %d bytes, %d gzipped", len(body), buf.Len())
	if buf.Len() > maxWidgetGzip {
		t.Errorf("widget.js is %d bytes gzipped, want at most %d", buf.Len(), maxWidgetGzip)
	}
}

func TestWidget_InlinesStylesheet(t *testing.T) {
	body := string(widgetScript().body)
	if strings.Contains(body, widgetCSSPlaceholder) {
		t.Errorf("widget.js still contains the placeholder %s", widgetCSSPlaceholder)
	}
	if !strings.Contains(body, `[data-liveline-channel] .liveline-post`) {
		t.Error("widget.js does not contain the widget stylesheet")
	}
}

func TestServeWidget_ETag(t *testing.T) {
	srv := mustServer(t, &fakePosts{}, "")
	resp, _ := mustGet(t, srv.URL+"/widget.js")
	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Fatal("widget.js has no ETag")
	}
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("Access-Control-Allow-Origin = %q, want *", got)
	}

	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/widget.js", nil)
	req.Header.Set("If-None-Match", `"other", `+etag)
	again, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	again.Body.Close()
	if again.StatusCode != http.StatusNotModified {
		t.Errorf("conditional GET answered %s, want 304", again.Status)
	}
}
