package publisher

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/liveline/liveline/bridge"
)

// channel returns the mapped channel named in the URL, or writes a 404.
func (p *Publisher) channel(w http.ResponseWriter, r *http.Request) (bridge.Channel, bool) {
	id := chi.URLParam(r, "channel_id")
	ch, ok := p.cfg.Channels.ByID(id)
	if !ok {
		writeError(w, http.StatusNotFound, "unknown channel "+strconv.Quote(id)+
			": use the channel_id of a mapped channel")
	}
	return ch, ok
}

// serveHandshake handles the POST that starts a polling session.
func (p *Publisher) serveHandshake(w http.ResponseWriter, r *http.Request) {
	ch, ok := p.channel(w, r)
	if !ok {
		return
	}
	posts, last, err := p.cfg.Posts.PostsSince(r.Context(), ch.ID, 0)
	if err != nil {
		p.internalError(w, "read posts", ch.ID, err)
		return
	}
	ids := make([]string, len(posts))
	for i := range posts {
		ids[len(posts)-1-i] = posts[i].TS
	}
	writeJSON(w, map[string]any{
		"livePosts":           ids,
		"lastUpdateTimestamp": last,
		"pollingInterval":     p.cfg.PollingInterval.Milliseconds(),
	})
}

// serveHead handles the cheap HEAD request readers send every interval.
func (p *Publisher) serveHead(w http.ResponseWriter, r *http.Request) {
	ch, ok := p.channel(w, r)
	if !ok {
		return
	}
	last, err := p.cfg.Posts.LastUpdate(r.Context(), ch.ID)
	if err != nil {
		p.internalError(w, "read clock", ch.ID, err)
		return
	}
	w.Header().Set("Last-Update-At", last.String())
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
}

// serveUpdates answers GET ?last_update_ts=N with the posts changed at or
// after N, oldest first, and the ids of all current posts.
func (p *Publisher) serveUpdates(w http.ResponseWriter, r *http.Request) {
	ch, ok := p.channel(w, r)
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
	all, last, err := p.cfg.Posts.PostsSince(r.Context(), ch.ID, 0)
	if err != nil {
		p.internalError(w, "read updates", ch.ID, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(p.updatesJSON(all, since, last))
}

// updatesJSON writes the GET response by hand, because "updates" must keep
// its keys in post order and a Go map would sort them.
func (p *Publisher) updatesJSON(all []bridge.Post, since, last bridge.Stamp) []byte {
	var b bytes.Buffer
	b.WriteString(`{"updates":{`)
	first := true
	current := make([]string, 0, len(all))
	for i := range all {
		post := &all[i]
		current = append(current, post.TS)
		if post.Updated < since {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		key, _ := json.Marshal(post.TS)
		b.Write(key)
		b.WriteByte(':')
		writeCompactJSON(&b, update{Show: !post.Hidden, Content: p.postHTML(post)})
	}
	b.WriteString(`},"currentPosts":`)
	ids, _ := json.Marshal(slices.Clip(current))
	b.Write(ids)
	b.WriteString(`,"lastUpdateTimestamp":`)
	b.WriteString(last.String())
	b.WriteString(`,"pollingInterval":`)
	b.WriteString(strconv.FormatInt(p.cfg.PollingInterval.Milliseconds(), 10))
	b.WriteString("}")
	return b.Bytes()
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

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	if err := json.NewEncoder(w).Encode(v); err != nil {
		return
	}
}
