// Package sanitize is the allow-list HTML sanitizer that every fragment
// passes before it reaches a reader. It wraps bluemonday with a policy
// for post content: text formatting, lists, quotes, code, links to http,
// https and mailto, images and embeds served from approved sources.
package sanitize

import (
	"regexp"
	"sync"

	"github.com/microcosm-cc/bluemonday"
)

var (
	policyOnce sync.Once
	policy     *bluemonday.Policy
)

// embedSource matches the iframe sources Liveline produces for known
// providers' privacy-friendly players.
var embedSource = regexp.MustCompile(`^https://(www\.youtube-nocookie\.com/embed/|player\.vimeo\.com/video/|open\.spotify\.com/embed/|w\.soundcloud\.com/player/|www\.tiktok\.com/embed/)`)

// IsEmbedSource reports whether src is an iframe source the policy keeps.
func IsEmbedSource(src string) bool {
	return embedSource.MatchString(src)
}

// Policy returns the shared policy. It is safe for concurrent use.
func Policy() *bluemonday.Policy {
	policyOnce.Do(func() { policy = newPolicy() })
	return policy
}

// HTML returns fragment with everything outside the allow-list removed.
func HTML(fragment string) string {
	return Policy().Sanitize(fragment)
}

func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "strong", "b", "em", "i", "s", "del", "code", "pre",
		"blockquote", "ul", "ol", "li", "span", "div", "figure", "figcaption",
		"article", "header", "footer", "h2", "h3", "h4", "hr")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^[a-z0-9 _-]{1,200}$`)).Globally()
	p.AllowAttrs("data-post-id").Matching(regexp.MustCompile(`^[0-9]{1,12}\.[0-9]{1,9}$`)).Globally()
	p.AllowAttrs("id").Matching(regexp.MustCompile(`^post-[0-9]{1,12}\.[0-9]{1,9}$`)).OnElements("article")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")

	p.AllowStandardURLs()
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("title").OnElements("a", "abbr", "time", "span")
	p.AllowElements("a")
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)

	p.AllowAttrs("datetime").Matching(regexp.MustCompile(`^[0-9T:.+Z-]{10,40}$`)).OnElements("time")
	p.AllowElements("time")

	p.AllowAttrs("src").Matching(regexp.MustCompile(`^(/media/[0-9a-f]{16,64}\.(png|jpg|gif|webp)|https?://[^\s"'<>]+)$`)).OnElements("img")
	p.AllowAttrs("alt").OnElements("img")
	p.AllowAttrs("width", "height").Matching(bluemonday.Integer).OnElements("img", "iframe")
	p.AllowAttrs("loading").Matching(regexp.MustCompile(`^lazy$`)).OnElements("img", "iframe")
	p.AllowAttrs("decoding").Matching(regexp.MustCompile(`^async$`)).OnElements("img")
	p.AllowAttrs("referrerpolicy").Matching(regexp.MustCompile(`^no-referrer$`)).OnElements("img")

	p.AllowAttrs("src").Matching(embedSource).OnElements("iframe")
	p.AllowAttrs("title").OnElements("iframe")
	p.AllowAttrs("allow").Matching(regexp.MustCompile(`^[a-z; -]{0,200}$`)).OnElements("iframe")
	p.AllowAttrs("allowfullscreen").Matching(regexp.MustCompile(`^(|allowfullscreen)$`)).OnElements("iframe")
	p.AllowAttrs("referrerpolicy").Matching(regexp.MustCompile(`^[a-z-]{1,40}$`)).OnElements("iframe")
	p.AllowAttrs("sandbox").Matching(regexp.MustCompile(`^[a-z -]{0,200}$`)).OnElements("iframe")
	return p
}
