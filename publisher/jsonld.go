package publisher

import (
	"encoding/json"
	"html"
	"html/template"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/liveline/liveline/bridge"
)

const (
	// maxLDUpdates is how many of the newest posts the structured data
	// lists, so a long-running page stays small.
	maxLDUpdates = 20
	// maxHeadline keeps each update's headline to one short line, in
	// characters.
	maxHeadline = 110
	// maxDescription keeps a generated description to about the length
	// search results show.
	maxDescription = 160
)

// liveBlog is a schema.org LiveBlogPosting.
type liveBlog struct {
	Context      string       `json:"@context"`
	Type         string       `json:"@type"`
	Headline     string       `json:"headline"`
	Description  string       `json:"description,omitempty"`
	URL          string       `json:"url"`
	Image        string       `json:"image,omitempty"`
	CoverageFrom string       `json:"coverageStartTime,omitempty"`
	DateModified string       `json:"dateModified,omitempty"`
	Updates      []blogUpdate `json:"liveBlogUpdate"`
}

// blogUpdate is one post as a schema.org BlogPosting.
type blogUpdate struct {
	Type          string  `json:"@type"`
	Headline      string  `json:"headline"`
	ArticleBody   string  `json:"articleBody"`
	URL           string  `json:"url"`
	DatePublished string  `json:"datePublished"`
	DateModified  string  `json:"dateModified,omitempty"`
	Author        *person `json:"author,omitempty"`
}

type person struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

// liveBlogJSONLD encodes the page as JSON-LD for search engines. posts are
// the visible posts, newest first. json.Marshal escapes <, > and & as
// \u003c and so on, so the result cannot close the <script> element that
// contains it.
func (p *Publisher) liveBlogJSONLD(page pageData, posts []bridge.Post, last bridge.Stamp) (template.JS, error) {
	blog := liveBlog{
		Context:     "https://schema.org",
		Type:        "LiveBlogPosting",
		Headline:    page.Title,
		Description: page.Description,
		URL:         page.PageURL,
		Image:       page.ImageURL,
		Updates:     []blogUpdate{},
	}
	if len(posts) > 0 {
		blog.CoverageFrom = isoTime(posts[len(posts)-1].Created())
	}
	if last > 0 {
		blog.DateModified = isoTime(last.Time())
	}
	for i := range posts[:min(len(posts), maxLDUpdates)] {
		blog.Updates = append(blog.Updates, blogPosting(&posts[i], page.PageURL))
	}
	out, err := json.Marshal(blog)
	return template.JS(out), err
}

func blogPosting(post *bridge.Post, pageURL string) blogUpdate {
	text := postText(post)
	u := blogUpdate{
		Type:          "BlogPosting",
		Headline:      truncate(text, maxHeadline),
		ArticleBody:   text,
		URL:           pageURL + "#post-" + post.TS,
		DatePublished: isoTime(post.Created()),
	}
	if edited := post.EditedAt(); !edited.IsZero() {
		u.DateModified = isoTime(edited)
	}
	if post.Author.Name != "" {
		u.Author = &person{Type: "Person", Name: post.Author.Name}
	}
	return u
}

func isoTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339)
}

var (
	breakPattern = regexp.MustCompile(`(?i)<br\s*/?>|</(p|div|li|blockquote|pre|h[1-6])>`)
	tagPattern   = regexp.MustCompile(`<[^>]*>`)
)

// postText returns a post's content as plain text on one line, for
// structured data, descriptions and feed titles. It reads sanitized HTML,
// so removing tags with a pattern is enough.
func postText(post *bridge.Post) string {
	var parts []string
	for _, block := range post.Blocks {
		switch block.Type {
		case bridge.BlockText:
			text := breakPattern.ReplaceAllString(block.HTML, " ")
			parts = append(parts, html.UnescapeString(tagPattern.ReplaceAllString(text, "")))
		case bridge.BlockImage:
			parts = append(parts, block.Alt)
		case bridge.BlockCard, bridge.BlockEmbed, bridge.BlockFile:
			parts = append(parts, block.Title)
		}
	}
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

// truncate shortens text to at most limit characters, cutting at a word
// boundary and marking the cut with an ellipsis.
func truncate(text string, limit int) string {
	if utf8.RuneCountInString(text) <= limit {
		return text
	}
	runes := []rune(text)[:limit-1]
	cut := string(runes)
	if i := strings.LastIndexByte(cut, ' '); i > limit/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.") + "…"
}
