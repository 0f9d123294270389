package publisher

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/liveline/liveline/bridge"
)

// ServePolling serves r when it is a GET, HEAD or POST to a polling
// endpoint, and reports whether it did. It matches the paths of Routes
// itself and sets the same CORS headers as Routes, so the App can serve
// these frequent requests ahead of the router and its middleware, which
// cost more than the handlers. Preflight requests, escaped paths and every
// other request are left to Routes.
func (p *Publisher) ServePolling(w http.ResponseWriter, r *http.Request) bool {
	method := r.Method
	if method != http.MethodGet && method != http.MethodHead && method != http.MethodPost {
		return false
	}
	id, ok := pollingChannelID(r.URL)
	if !ok {
		return false
	}
	p.pollingCORS.setHeaders(w.Header(), r)
	switch method {
	case http.MethodHead:
		p.serveHead(w, r, id)
	case http.MethodGet:
		p.serveUpdates(w, r, id)
	default:
		p.serveHandshake(w, r, id)
	}
	return true
}

// pollingChannelID returns the channel id in a polling endpoint's path,
// /live/{id}/updates or /wagtail_live/get-updates/{id}, each with or
// without a trailing slash as Routes accepts them.
func pollingChannelID(u *url.URL) (string, bool) {
	if u.RawPath != "" {
		return "", false
	}
	if rest, ok := strings.CutPrefix(u.Path, "/live/"); ok {
		id, tail, _ := strings.Cut(rest, "/")
		return id, id != "" && (tail == "updates" || tail == "updates/")
	}
	if rest, ok := strings.CutPrefix(u.Path, "/wagtail_live/get-updates/"); ok {
		id := strings.TrimSuffix(rest, "/")
		return id, id != "" && !strings.Contains(id, "/")
	}
	return "", false
}

// channelSnapshot returns the snapshot of the mapped channel id, or writes
// a 404 or 500 response.
func (p *Publisher) channelSnapshot(w http.ResponseWriter, r *http.Request, id string) (*snapshot, bool) {
	ch, ok := p.cfg.Channels.ByID(id)
	if !ok {
		writeError(w, http.StatusNotFound, "unknown channel "+strconv.Quote(id)+
			": use the channel_id of a mapped channel")
		return nil, false
	}
	snap, err := p.snapshot(r.Context(), ch.ID)
	if err != nil {
		p.internalError(w, "load channel snapshot", ch.ID, err)
		return nil, false
	}
	return snap, true
}

// serveHandshake responds to the POST that starts a polling session.
// Caches do not store POST responses, so it carries no validators.
func (p *Publisher) serveHandshake(w http.ResponseWriter, r *http.Request, channelID string) {
	snap, ok := p.channelSnapshot(w, r, channelID)
	if !ok {
		return
	}
	body := snap.handshake.get(snap.buildHandshake, 0)
	p.writeBody(w, r, body, nil, false)
}

// serveHead handles the cheap HEAD request readers send every interval.
func (p *Publisher) serveHead(w http.ResponseWriter, r *http.Request, channelID string) {
	snap, ok := p.channelSnapshot(w, r, channelID)
	if !ok {
		return
	}
	h := w.Header()
	h["Last-Update-At"] = snap.lastHeader
	// Polling-Interval lets widgets follow a changed polling_interval
	// even while no post changes, so no GET carries it.
	h["Polling-Interval"] = snap.intervalHeader
	h["Cache-Control"] = p.cacheControl
	h["Etag"] = snap.headETag
	modified := snap.lastModified(p.cfg.Now())
	if modified != nil {
		h["Last-Modified"] = modified.header
	}
	if notModified(r, snap.headETag[0], snap.headGzipTag, modified) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	// An explicit empty length lets clients that do not track the request
	// method, such as wrk 4.1, end the response without waiting for the
	// connection to close.
	h["Content-Length"] = zeroLength
	w.WriteHeader(http.StatusOK)
}

// serveUpdates responds to GET ?last_update_ts=N with the posts changed at or
// after N, oldest first, and the ids of all current posts.
func (p *Publisher) serveUpdates(w http.ResponseWriter, r *http.Request, channelID string) {
	snap, ok := p.channelSnapshot(w, r, channelID)
	if !ok {
		return
	}
	raw, present := queryValue(r.URL, "last_update_ts")
	if !present {
		writeError(w, http.StatusBadRequest,
			"missing last_update_ts: send the lastUpdateTimestamp of the previous response")
		return
	}
	since, err := bridge.ParseStamp(raw)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid last_update_ts: "+err.Error())
		return
	}
	body := snap.updatesBody(since)
	p.writeBody(w, r, body, snap.lastModified(p.cfg.Now()), true)
}

// queryValue returns the first value of key in u's query as u.Query reads
// it. A query without escapes or semicolons, which is what readers send,
// is scanned without building the map.
func queryValue(u *url.URL, key string) (string, bool) {
	query := u.RawQuery
	if strings.ContainsAny(query, "%+;") {
		values, ok := u.Query()[key]
		if !ok || len(values) == 0 {
			return "", false
		}
		return values[0], true
	}
	for query != "" {
		var pair string
		pair, query, _ = strings.Cut(query, "&")
		name, value, _ := strings.Cut(pair, "=")
		if name == key {
			return value, true
		}
	}
	return "", false
}

// update is one entry of a GET response's "updates".
type update struct {
	Show    bool   `json:"show"`
	Content string `json:"content"`
}

func (p *Publisher) internalError(w http.ResponseWriter, action, channelID string, err error) {
	p.log.Error("failed to "+action, "channel_id", channelID, "error", err)
	writeError(w, http.StatusInternalServerError, "the live page is temporarily unavailable; try again shortly")
}

// writeCompactJSON appends v without escaping <, > and &, which Go's
// default encoding turns into six-byte \u sequences in every post.
func writeCompactJSON(b *bytes.Buffer, v any) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	b.Truncate(b.Len() - 1) // drop the newline Encode adds
}
