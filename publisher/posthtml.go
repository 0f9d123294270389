package publisher

import (
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/liveline/liveline/bridge"
	"github.com/liveline/liveline/sanitize"
)

// postHTML renders a post as the fragment readers receive: an <article>
// carrying data-post-id, the author, the created and edited times and the
// content blocks. The whole fragment passes the allow-list sanitizer.
func (p *Publisher) postHTML(post *bridge.Post) string {
	var b strings.Builder
	id := html.EscapeString(post.TS)
	b.WriteString(`<article class="liveline-post" data-post-id="` + id + `" id="post-` + id + `">`)
	b.WriteString(`<header class="liveline-meta">`)
	if strings.HasPrefix(post.Author.AvatarURL, "https://") {
		b.WriteString(`<img class="liveline-avatar" src="` + html.EscapeString(post.Author.AvatarURL) +
			`" alt="" width="24" height="24" loading="lazy" decoding="async"> `)
	}
	if post.Author.Name != "" {
		b.WriteString(`<span class="liveline-author">` + html.EscapeString(post.Author.Name) + `</span> `)
	}
	writeTime(&b, "liveline-created", post.Created())
	if edited := post.EditedAt(); !edited.IsZero() {
		b.WriteString(` <span class="liveline-edited">edited `)
		writeTime(&b, "liveline-edited-at", edited)
		b.WriteString(`</span>`)
	}
	b.WriteString(`</header><div class="liveline-body">`)
	for i := range post.Blocks {
		p.writeBlock(&b, &post.Blocks[i])
	}
	b.WriteString(`</div></article>`)
	return sanitize.HTML(b.String())
}

func writeTime(b *strings.Builder, class string, t time.Time) {
	b.WriteString(`<time class="` + class + `" datetime="` + t.UTC().Format(time.RFC3339) +
		`" title="` + t.UTC().Format("2 Jan 2006 15:04 MST") + `">` +
		t.UTC().Format("15:04 MST") + `</time>`)
}

// writeBlock renders one content block. Unknown block types render as
// nothing, so a newer database never shows raw data to readers.
func (p *Publisher) writeBlock(b *strings.Builder, block *bridge.Block) {
	switch block.Type {
	case bridge.BlockText:
		b.WriteString(`<div class="liveline-text">` + block.HTML + `</div>`)
	case bridge.BlockImage:
		b.WriteString(`<figure class="liveline-image">`)
		p.writeImage(b, p.mediaURL(block.URL), block.Alt, block.Width, block.Height)
		b.WriteString(`</figure>`)
	case bridge.BlockEmbed:
		writeEmbed(b, block)
	case bridge.BlockCard:
		p.writeCard(b, block)
	case bridge.BlockFile:
		b.WriteString(`<div class="liveline-file">` + html.EscapeString(block.Title) + `</div>`)
	}
}

// writeImage writes an <img> for an image Liveline serves or one on an
// https host. Plain http images are left out, because a news site served
// over https blocks them as mixed content.
func (p *Publisher) writeImage(b *strings.Builder, src, alt string, width, height int) {
	local := p.cfg.PublicURL != "" && strings.HasPrefix(src, p.cfg.PublicURL+"/media/")
	if !local && !strings.HasPrefix(src, "/media/") && !strings.HasPrefix(src, "https://") {
		return
	}
	b.WriteString(`<img src="` + html.EscapeString(src) + `" alt="` + html.EscapeString(alt) + `"`)
	if width > 0 && height > 0 {
		b.WriteString(` width="` + strconv.Itoa(width) + `" height="` + strconv.Itoa(height) + `"`)
	}
	if !local && strings.HasPrefix(src, "https://") {
		// Another host, such as a webhook's, learns nothing of the page.
		b.WriteString(` referrerpolicy="no-referrer"`)
	}
	b.WriteString(` loading="lazy" decoding="async">`)
}

func writeEmbed(b *strings.Builder, block *bridge.Block) {
	class := `liveline-embed liveline-embed-` + html.EscapeString(block.Provider)
	title := block.Title
	if title == "" {
		title = block.Provider
	}
	if sanitize.IsEmbedSource(block.URL) {
		b.WriteString(`<div class="` + class + `"><iframe src="` + html.EscapeString(block.URL) +
			`" title="` + html.EscapeString(title) + `" loading="lazy" allowfullscreen="" ` +
			`allow="encrypted-media; picture-in-picture; fullscreen" ` +
			`referrerpolicy="strict-origin-when-cross-origin" ` +
			`sandbox="allow-scripts allow-same-origin allow-popups allow-presentation"></iframe></div>`)
		return
	}
	b.WriteString(`<div class="` + class + `"><a href="` + html.EscapeString(block.URL) + `">` +
		html.EscapeString(title) + `</a></div>`)
}

func (p *Publisher) writeCard(b *strings.Builder, block *bridge.Block) {
	b.WriteString(`<div class="liveline-card">`)
	if block.ImageURL != "" {
		p.writeImage(b, block.ImageURL, "", 0, 0)
	}
	title := block.Title
	if title == "" {
		title = block.URL
	}
	b.WriteString(`<a class="liveline-card-title" href="` + html.EscapeString(block.URL) + `">` +
		html.EscapeString(title) + `</a>`)
	if block.Text != "" {
		b.WriteString(`<p class="liveline-card-text">` + html.EscapeString(block.Text) + `</p>`)
	}
	b.WriteString(`</div>`)
}

// mediaURL makes a root-relative media path absolute, so images load when
// the widget runs on a news site's own domain.
func (p *Publisher) mediaURL(u string) string {
	if strings.HasPrefix(u, "/") {
		return p.cfg.PublicURL + u
	}
	return u
}
