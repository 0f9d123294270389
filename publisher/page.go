package publisher

import (
	"embed"
	"html/template"
	"net/http"

	"github.com/go-chi/chi/v5"
)

//go:embed assets
var assets embed.FS

var pageTemplate = template.Must(template.ParseFS(assets, "assets/page.html"))

// pageData fills assets/page.html.
type pageData struct {
	Title     string
	ChannelID string
	WidgetURL string
	Posts     []template.HTML // sanitized post fragments, newest first
}

// servePage renders the reader page /live/{slug}: the current posts,
// readable without JavaScript, and the widget that keeps them live.
func (p *Publisher) servePage(w http.ResponseWriter, r *http.Request) {
	slug := chi.URLParam(r, "slug")
	ch, ok := p.cfg.Channels.BySlug(slug)
	if !ok {
		http.Error(w, "No live page at this address.", http.StatusNotFound)
		return
	}
	posts, err := p.cfg.Posts.Posts(r.Context(), ch.ID)
	if err != nil {
		p.log.Error("failed to read posts", "channel_id", ch.ID, "error", err)
		http.Error(w, "The live page is temporarily unavailable. Try again shortly.",
			http.StatusInternalServerError)
		return
	}
	data := pageData{Title: ch.Title, ChannelID: ch.ID, WidgetURL: p.cfg.PublicURL + "/widget.js"}
	if data.Title == "" {
		data.Title = ch.Slug
	}
	for i := len(posts) - 1; i >= 0; i-- {
		if posts[i].Hidden {
			continue
		}
		// postHTML passed the sanitizer, so it is safe to mark as HTML.
		data.Posts = append(data.Posts, template.HTML(p.postHTML(&posts[i])))
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	if err := pageTemplate.Execute(w, data); err != nil {
		p.log.Error("failed to render reader page", "channel_id", ch.ID, "error", err)
	}
}

func serveWidget(w http.ResponseWriter, r *http.Request) {
	body, err := assets.ReadFile("assets/widget.js")
	if err != nil {
		http.Error(w, "widget missing from this build", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Write(body)
}
