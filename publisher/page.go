package publisher

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/liveline/liveline/bridge"
)

//go:embed assets
var assets embed.FS

var pageTemplate = template.Must(template.ParseFS(assets, "assets/page.html"))

// pageData fills assets/page.html.
type pageData struct {
	Title       string
	Description string
	// Subtitle is the channel's configured description, shown under the
	// title. The newest post's text, used for Description when none is
	// configured, is not repeated there, because it would not stay current.
	Subtitle   string
	ChannelID  string
	PageURL    string // absolute URL of the reader page
	FeedURL    string
	ImageURL   string // Open Graph image; empty when no post has one
	WidgetURL  string
	WidgetCSS  template.CSS
	LastUpdate string          // channel clock the posts were read at
	Posts      []template.HTML // sanitized post fragments, newest first
	JSONLD     template.JS     // schema.org LiveBlogPosting
}

// maxPagePosts is how many of the newest posts the reader page renders on
// the server. A story of thousands of posts would otherwise make a page of
// megabytes that phones load slowly. The polling protocol still carries
// every post.
const maxPagePosts = 300

// servePage serves the reader page /live/{slug}: the current posts,
// readable and indexable without JavaScript, and the widget that keeps
// them live. The page is rendered once per change of the channel and
// kept with its snapshot, so readers arriving together cost one render.
func (p *Publisher) servePage(w http.ResponseWriter, r *http.Request) {
	ch, ok := p.channelBySlug(w, r)
	if !ok {
		return
	}
	snap, err := p.snapshot(r.Context(), ch.ID)
	if err != nil {
		p.pageUnavailable(w, ch.ID, "load channel snapshot", err)
		return
	}
	base := p.baseURL(r)
	body := snap.page(base)
	var renderErr error
	body.get(func(int) []byte {
		var page []byte
		page, renderErr = p.renderPage(r, ch, base)
		return page
	}, 0)
	if renderErr != nil {
		snap.forgetPage(base, body)
		p.pageUnavailable(w, ch.ID, "render reader page", renderErr)
		return
	}
	p.writeBody(w, r, body, snap.lastModified(p.cfg.Now()), true)
}

// page returns the cached reader page of the snapshot for base, which is
// empty until its first use.
func (s *snapshot) page(base string) *cachedBody {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.pages[base]
	if !ok {
		b = &cachedBody{etag: etagFor(s.last, "page"), contentType: htmlType}
		s.pages[base] = b
	}
	return b
}

// forgetPage drops a page whose rendering failed, so the next request
// tries again.
func (s *snapshot) forgetPage(base string, b *cachedBody) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pages[base] == b {
		delete(s.pages, base)
	}
}

func (p *Publisher) pageUnavailable(w http.ResponseWriter, channelID, action string, err error) {
	p.log.Error("failed to "+action, "channel_id", channelID, "error", err)
	http.Error(w, "The live page is temporarily unavailable. Try again shortly.",
		http.StatusInternalServerError)
}

// renderPage renders the reader page from the stored posts.
func (p *Publisher) renderPage(r *http.Request, ch bridge.Channel, base string) ([]byte, error) {
	posts, last, err := p.cfg.Posts.PostsSince(r.Context(), ch.ID, 0)
	if err != nil {
		return nil, fmt.Errorf("read posts: %w", err)
	}
	visible := newestVisible(posts)
	if len(visible) > maxPagePosts {
		visible = visible[:maxPagePosts]
	}
	data := pageData{
		Title:      channelTitle(ch),
		ChannelID:  ch.ID,
		PageURL:    base + "/live/" + ch.Slug,
		FeedURL:    base + "/live/" + ch.Slug + "/feed.atom",
		WidgetURL:  p.cfg.PublicURL + "/widget.js",
		WidgetCSS:  template.CSS(widgetCSS()),
		LastUpdate: last.String(),
	}

	data.Description = pageDescription(ch, visible)
	data.Subtitle = ch.Description
	data.ImageURL = p.firstImage(visible, base)
	for i := range visible {
		// postHTML passed the sanitizer, so it is safe to mark as HTML.
		data.Posts = append(data.Posts, template.HTML(p.postHTML(&visible[i])))
	}
	jsonLD, err := p.liveBlogJSONLD(data, visible, last)
	data.JSONLD = jsonLD
	if err != nil {
		p.log.Error("failed to encode structured data", "channel_id", ch.ID, "error", err)
	}

	// The widget takes over from the clock the page records, so a page a
	// proxy kept for cache_max_age still goes live without a gap.
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, data); err != nil {
		return nil, fmt.Errorf("execute page template: %w", err)
	}
	return b.Bytes(), nil
}

// visiblePosts returns the channel the URL names by slug, its visible
// posts newest first and its clock. On failure it writes a 404 or a 500
// that names what (the live page, the feed) is unavailable.
func (p *Publisher) visiblePosts(w http.ResponseWriter, r *http.Request, what string) (bridge.Channel, []bridge.Post, bridge.Stamp, bool) {
	ch, ok := p.channelBySlug(w, r)
	if !ok {
		return ch, nil, 0, false
	}
	posts, last, err := p.cfg.Posts.PostsSince(r.Context(), ch.ID, 0)
	if err != nil {
		p.log.Error("failed to read posts", "channel_id", ch.ID, "error", err)
		http.Error(w, "The "+what+" is temporarily unavailable. Try again shortly.",
			http.StatusInternalServerError)
		return ch, nil, 0, false
	}
	return ch, newestVisible(posts), last, true
}

// channelBySlug returns the channel whose reader page the URL names, or
// sends 404.
func (p *Publisher) channelBySlug(w http.ResponseWriter, r *http.Request) (bridge.Channel, bool) {
	ch, ok := p.cfg.Channels.BySlug(chi.URLParam(r, "slug"))
	if !ok {
		http.Error(w, "No live page at this address.", http.StatusNotFound)
	}
	return ch, ok
}

// baseURL returns the absolute URL Liveline is reached at: PublicURL, or
// the scheme and Host of the request when PublicURL is not set.
func (p *Publisher) baseURL(r *http.Request) string {
	if p.cfg.PublicURL != "" {
		return p.cfg.PublicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	// NOTE: without public_url, canonical and feed URLs trust the Host
	// header, which a proxy in front of Liveline may rewrite.
	return scheme + "://" + r.Host
}

func channelTitle(ch bridge.Channel) string {
	if ch.Title == "" {
		return ch.Slug
	}
	return ch.Title
}

// newestVisible returns the posts readers see, newest first. posts is
// oldest first, as PostReader returns it.
func newestVisible(posts []bridge.Post) []bridge.Post {
	out := make([]bridge.Post, 0, len(posts))
	for i := len(posts) - 1; i >= 0; i-- {
		if !posts[i].Hidden && !posts[i].Deleted {
			out = append(out, posts[i])
		}
	}
	return out
}

// pageDescription returns the channel's description, or the start of the
// newest post when the config sets none.
func pageDescription(ch bridge.Channel, newest []bridge.Post) string {
	if ch.Description != "" {
		return ch.Description
	}
	if len(newest) > 0 {
		if text := truncate(postText(&newest[0]), maxDescription); text != "" {
			return text
		}
	}
	return "Live updates: " + channelTitle(ch)
}

// firstImage returns the absolute URL of the newest image in posts that
// Liveline stores itself. Images on other hosts are left out, so a
// webhook's post cannot choose the page's share image.
func (p *Publisher) firstImage(posts []bridge.Post, base string) string {
	for i := range posts {
		for _, block := range posts[i].Blocks {
			if block.Type != bridge.BlockImage || !strings.HasPrefix(block.URL, "/media/") {
				continue
			}
			u := p.mediaURL(block.URL)
			if strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") {
				u = base + u
			}
			return u
		}
	}
	return ""
}
