package publisher

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/liveline/liveline/bridge"
)

// channel returns the mapped channel named in the URL, or answers 404.
func (p *Publisher) channel(w http.ResponseWriter, r *http.Request) (bridge.Channel, bool) {
	id := chi.URLParam(r, "channel_id")
	ch, ok := p.cfg.Channels.ByID(id)
	if !ok {
		writeError(w, http.StatusNotFound, "unknown channel "+strconv.Quote(id)+
			": use the channel_id of a mapped channel")
	}
	return ch, ok
}

// channelSnapshot returns the snapshot of the channel named in the URL,
// or writes a 404 or 500 response.
func (p *Publisher) channelSnapshot(w http.ResponseWriter, r *http.Request) (*snapshot, bool) {
	ch, ok := p.channel(w, r)
	if !ok {
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
func (p *Publisher) serveHandshake(w http.ResponseWriter, r *http.Request) {
	snap, ok := p.channelSnapshot(w, r)
	if !ok {
		return
	}
	body := snap.handshake.get(snap.buildHandshake, 0)
	p.writeBody(w, r, body, time.Time{}, false)
}

// serveHead answers the cheap check readers make every interval.
func (p *Publisher) serveHead(w http.ResponseWriter, r *http.Request) {
	snap, ok := p.channelSnapshot(w, r)
	if !ok {
		return
	}
	h := w.Header()
	h["Last-Update-At"] = snap.lastHeader
	h["Cache-Control"] = p.cacheControl
	h["Etag"] = snap.headETag
	modified := lastModified(snap.last, p.cfg.Now())
	if !modified.IsZero() {
		h["Last-Modified"] = []string{modified.Format(http.TimeFormat)}
	}
	if notModified(r, snap.headETag[0], modified) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	// An explicit empty length lets clients that do not track the request
	// method, such as wrk 4.1, end the response without waiting for the
	// connection to close.
	h["Content-Length"] = zeroLength
	w.WriteHeader(http.StatusOK)
}

// serveUpdates answers GET ?last_update_ts=N with the posts changed at or
// after N, oldest first, and the ids of all current posts.
func (p *Publisher) serveUpdates(w http.ResponseWriter, r *http.Request) {
	snap, ok := p.channelSnapshot(w, r)
	if !ok {
		return
	}
	raw, present := r.URL.Query()["last_update_ts"]
	if !present || len(raw) == 0 {
		writeError(w, http.StatusBadRequest,
			"missing last_update_ts: send the lastUpdateTimestamp of the previous response")
		return
	}
	since, err := bridge.ParseStamp(raw[0])
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid last_update_ts: "+err.Error())
		return
	}
	body := snap.updatesBody(since)
	p.writeBody(w, r, body, lastModified(snap.last, p.cfg.Now()), true)
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
