package publisher

import (
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/liveline/liveline/bridge"
)

// mediaTypes maps stored image extensions to their content types.
var mediaTypes = map[string]string{
	"png":  "image/png",
	"jpg":  "image/jpeg",
	"gif":  "image/gif",
	"webp": "image/webp",
}

// serveMedia serves a stored image, /media/{sha256}.{ext}, from
// Config.MediaDir. The name is the content hash, so the response never
// changes and may be cached for a year.
func (p *Publisher) serveMedia(w http.ResponseWriter, r *http.Request) {
	name := chi.URLParam(r, "name")
	if p.cfg.MediaDir == "" || !bridge.IsMediaFileName(name) {
		http.NotFound(w, r)
		return
	}
	f, err := os.Open(filepath.Join(p.cfg.MediaDir, name))
	if errors.Is(err, fs.ErrNotExist) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		p.log.Error("failed to open media file", "name", name, "error", err)
		writeError(w, http.StatusInternalServerError, "image unavailable; try again later")
		return
	}
	defer f.Close()

	info, err := f.Stat()
	if err != nil {
		p.log.Error("failed to read media file", "name", name, "error", err)
		writeError(w, http.StatusInternalServerError, "image unavailable; try again later")
		return
	}

	ext := name[strings.LastIndexByte(name, '.')+1:]
	h := w.Header()
	h.Set("Content-Type", mediaTypes[ext])
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", `"`+strings.TrimSuffix(name, "."+ext)+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Access-Control-Allow-Origin", "*")
	http.ServeContent(w, r, "", info.ModTime(), f)
}
