package render

import (
	"html"
	"net/url"
	"strconv"
	"strings"
)

// entityDecoder undoes Slack's escaping of &, < and > in message text.
// It runs once, on text outside <...> tokens and on token parts, so an
// entity the author typed (Slack sends &amp;lt;) stays visible as typed.
// A Replacer makes one pass, so its output is never decoded again.
var entityDecoder = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")

// token is the inside of one of Slack's <...> sequences, such as
// "https://example.org|label", "@U0123", "#C0123|name" or "!here".
type token struct {
	target string // before the first "|", still escaped
	label  string // after the first "|", decoded
}

func parseToken(inside string) token {
	target, label, _ := strings.Cut(inside, "|")
	return token{target: target, label: entityDecoder.Replace(label)}
}

// tokenAt returns the length of the <...> token that starts at s[i], or
// 0 when s[i] starts none. A token ends at the first ">", contains no
// "<" or line break, and does not start with a space. Slack escapes the
// brackets people type, so only text from elsewhere has such brackets.
func tokenAt(s string, i int) int {
	if s[i] != '<' || i+1 < len(s) && isSpace(s[i+1]) {
		return 0
	}
	end := strings.IndexAny(s[i+1:], "<>\n")
	if end < 1 || s[i+1+end] != '>' {
		return 0
	}
	return end + 2
}

// tokenLabels returns the label of each labelled mention token in text,
// by the token's target.
func tokenLabels(text string) map[string]string {
	labels := map[string]string{}
	for i := 0; i < len(text); i++ {
		n := tokenAt(text, i)
		if n == 0 {
			continue
		}
		tok := parseToken(text[i+1 : i+n-1])
		mention := strings.HasPrefix(tok.target, "#") || strings.HasPrefix(tok.target, "!subteam^")
		if mention && strings.TrimSpace(tok.label) != "" {
			labels[tok.target] = tok.label
		}
		i += n - 1
	}
	return labels
}

// tokenHTML renders the inside of one <...> token: http, https and
// mailto links become anchors, dates become <time>, and everything else
// becomes escaped text.
func (m *message) tokenHTML(inside string) string {
	tok := parseToken(inside)
	if unix, ok := tokenDate(tok.target); ok {
		return dateHTML(unix, tok.label)
	}
	if isLinkToken(tok.target) {
		return linkHTML(entityDecoder.Replace(tok.target), tok.label)
	}
	return html.EscapeString(m.tokenText(inside))
}

// tokenText returns what a reader sees for a <...> token, unescaped: a
// name for a mention, the label or address for a link.
func (m *message) tokenText(inside string) string {
	tok := parseToken(inside)
	target := tok.target
	switch {
	case strings.HasPrefix(target, "@"):
		return m.userMentionText(target[1:], tok.label)
	case strings.HasPrefix(target, "#"):
		return m.channelMention(target[1:], tok.label)
	case strings.HasPrefix(target, "!subteam^"):
		return m.usergroupMention(strings.TrimPrefix(target, "!subteam^"), tok.label)
	case strings.HasPrefix(target, "!date^"):
		return dateText(target, tok.label)
	case strings.HasPrefix(target, "!"):
		return specialText(target[1:], tok.label)
	}
	return linkText(entityDecoder.Replace(target), tok.label)
}

// userMentionText prefers the Directory's name over the label of an
// old-style <@U0123|name> token.
func (m *message) userMentionText(id, label string) string {
	name := m.r.userName(m.ctx, id)
	if name == placeholderUser && strings.TrimSpace(label) != "" {
		name = strings.TrimPrefix(label, "@")
	}
	return "@" + name
}

// specialText renders <!here>, <!channel> and <!everyone>. Other
// special commands show their label, or nothing.
func specialText(command, label string) string {
	name, _, _ := strings.Cut(command, "^")
	switch name {
	case "here", "channel", "everyone":
		return broadcastMention(name)
	}
	return label
}

// tokenDate parses the Unix time of a <!date^1623330000^format|...> token.
func tokenDate(target string) (int64, bool) {
	rest, ok := strings.CutPrefix(target, "!date^")
	if !ok {
		return 0, false
	}
	digits, _, _ := strings.Cut(rest, "^")
	unix, err := strconv.ParseInt(digits, 10, 64)
	return unix, err == nil
}

// dateText returns the plain text of a date token: its fallback label,
// or the UTC date.
func dateText(target, label string) string {
	if strings.TrimSpace(label) != "" {
		return label
	}
	unix, _ := tokenDate(target)
	if t, ok := dateTime(unix); ok {
		return t.Format(dateLayout)
	}
	return ""
}

// isLinkToken reports whether target is a link rather than a mention or
// special command.
func isLinkToken(target string) bool {
	return target != "" && !strings.ContainsAny(target[:1], "@#!")
}

// linkText returns the text shown for a link: its label, or else the
// address without a mailto: prefix.
func linkText(href, label string) string {
	if strings.TrimSpace(label) != "" {
		return label
	}
	if rest, ok := strings.CutPrefix(href, "mailto:"); ok {
		return rest
	}
	return href
}

// linkHTML renders an anchor to href when safeURL accepts it, and the
// link's text alone otherwise.
func linkHTML(href, label string) string {
	text := html.EscapeString(linkText(href, label))
	clean, ok := safeURL(href, true)
	if !ok {
		return text
	}
	return `<a href="` + html.EscapeString(clean) + `" rel="nofollow noopener">` + text + `</a>`
}

// safeURL returns raw re-encoded by net/url, so that quotes and spaces
// are percent-encoded, when it is an absolute http or https URL, or a
// mailto URL if mailto is true.
func safeURL(raw string, mailto bool) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return "", false
		}
	case "mailto":
		if !mailto || u.Opaque == "" {
			return "", false
		}
	default:
		return "", false
	}
	return u.String(), true
}
