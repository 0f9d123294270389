package render

import (
	"html"
	"strings"
)

// format selects the mrkdwn features that apply to a text.
type format struct {
	styles bool // bold, italic, strike, code, code blocks, quotes, bullets
	emoji  bool // :short_name: becomes the emoji
	embeds bool // a line holding only a provider's link becomes an embed
}

var (
	// fullMrkdwn is for a message's own text and its section blocks.
	fullMrkdwn = format{styles: true, emoji: true, embeds: true}
	// nestedMrkdwn is for text inside a container that must stay one
	// piece of HTML, such as an attachment.
	nestedMrkdwn = format{styles: true, emoji: true}
	// plainMrkdwn is for attachment fields that Slack does not format:
	// links, mentions and emoji only.
	plainMrkdwn = format{emoji: true}
)

// emphasisTags maps each mrkdwn emphasis marker to its HTML element.
var emphasisTags = map[byte]string{'*': "strong", '_': "em", '~': "s"}

// maxEmphasisDepth is the maximum nesting of emphasis. Deeper markers
// stay text, which bounds the work on hostile input.
const maxEmphasisDepth = 6

// maxBareLink is the longest address linked without a <...> token.
const maxBareLink = 2048

// inline renders one line of mrkdwn, still in Slack's escaped form, as
// HTML. Text outside tokens is decoded once and then escaped.
func (m *message) inline(s string, f format) string {
	var b strings.Builder
	last := lastClosers(s)
	start := 0
	for i := 0; i < len(s); {
		fragment, n := m.inlineAt(s, i, f, last)
		if n == 0 {
			i++
			continue
		}
		b.WriteString(escapeText(s[start:i]))
		b.WriteString(fragment)
		i += n
		start = i
	}
	b.WriteString(escapeText(s[start:]))
	return b.String()
}

// inlineAt renders the markup that starts at s[i] and returns its length,
// or 0 when none starts there.
// last is lastClosers(s).
func (m *message) inlineAt(s string, i int, f format, last map[byte]int) (string, int) {
	switch s[i] {
	case '<':
		if n := tokenAt(s, i); n > 0 {
			return m.tokenHTML(s[i+1 : i+n-1]), n
		}
	case '`':
		if f.styles {
			return m.codeSpanAt(s, i)
		}
	case '*', '_', '~':
		if f.styles && i < last[s[i]] {
			return m.emphasisAt(s, i, f, last)
		}
	case ':':
		if f.emoji {
			return m.emojiAt(s, i)
		}
	case 'h':
		return bareLinkAt(s, i)
	}
	return "", 0
}

// escapeText decodes Slack's entities once and escapes the result.
func escapeText(s string) string {
	return html.EscapeString(entityDecoder.Replace(s))
}

// plainText returns what a reader sees for mrkdwn s with no formatting:
// tokens become their text and entities are decoded once.
func (m *message) plainText(s string) string {
	var b strings.Builder
	start := 0
	for i := 0; i < len(s); i++ {
		n := tokenAt(s, i)
		if n == 0 {
			continue
		}
		b.WriteString(entityDecoder.Replace(s[start:i]))
		b.WriteString(m.tokenText(s[i+1 : i+n-1]))
		i += n - 1
		start = i + 1
	}
	b.WriteString(entityDecoder.Replace(s[start:]))
	return b.String()
}

// codeSpanAt renders `code` literally: no links, emphasis or emoji.
func (m *message) codeSpanAt(s string, i int) (string, int) {
	end := strings.IndexByte(s[i+1:], '`')
	if end < 1 {
		return "", 0
	}
	code := s[i+1 : i+1+end]
	return "<code>" + html.EscapeString(m.plainText(code)) + "</code>", end + 2
}

// emphasisAt renders *bold*, _italic_ or ~strike~. A marker opens only
// after a space or punctuation and closes only before one, so markers
// inside words and addresses, as in ward_7_results, stay text. When no
// closer is found, later markers of the same kind are not searched.
func (m *message) emphasisAt(s string, i int, f format, last map[byte]int) (string, int) {
	marker := s[i]
	if i > 0 && !opensAfter(s[i-1]) {
		return "", 0
	}
	if i+1 >= len(s) || isSpace(s[i+1]) || s[i+1] == marker {
		return "", 0
	}
	end := closingMarker(s, i)
	if end < 0 {
		last[marker] = 0
		return "", 0
	}
	if m.depth >= maxEmphasisDepth {
		return "", 0
	}
	m.depth++
	defer func() { m.depth-- }()

	tag := emphasisTags[marker]
	inner := m.inline(s[i+1:end], f)
	return "<" + tag + ">" + inner + "</" + tag + ">", end - i + 1
}

// closingMarker returns the index of the marker that closes the one at
// s[open], skipping tokens and code spans, or -1.
func closingMarker(s string, open int) int {
	marker := s[open]
	for j := open + 1; j < len(s); j++ {
		if n := tokenAt(s, j); n > 0 {
			j += n - 1
			continue
		}
		if s[j] == '`' {
			if end := strings.IndexByte(s[j+1:], '`'); end >= 0 {
				j += end + 1
				continue
			}
		}
		closes := j+1 == len(s) || closesBefore(s[j+1])
		if s[j] == marker && !isSpace(s[j-1]) && closes {
			return j
		}
	}
	return -1
}

// lastClosers returns, for each emphasis marker, the index of the last
// one in s that could close emphasis, or 0. An opener after it cannot
// match, so inline skips the search that would make it quadratic.
func lastClosers(s string) map[byte]int {
	last := map[byte]int{}
	for j := len(s) - 1; j > 0 && len(last) < len(emphasisTags); j-- {
		_, marker := emphasisTags[s[j]]
		if !marker || last[s[j]] > 0 || isSpace(s[j-1]) {
			continue
		}
		if j+1 == len(s) || closesBefore(s[j+1]) {
			last[s[j]] = j
		}
	}
	return last
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

// opensAfter reports whether an emphasis marker may follow c.
func opensAfter(c byte) bool {
	return isSpace(c) || strings.IndexByte(`([{"'*_~>`, c) >= 0
}

// closesBefore reports whether an emphasis marker may precede c.
func closesBefore(c byte) bool {
	return isSpace(c) || strings.IndexByte(`.,;:!?)]}"'*_~<-`, c) >= 0
}

// bareLinkAt links an http or https address that the sender did not put
// in a <...> token, as webhooks often do. Trailing punctuation stays
// outside the link.
func bareLinkAt(s string, i int) (string, int) {
	rest := s[i:]
	if !strings.HasPrefix(rest, "http://") && !strings.HasPrefix(rest, "https://") {
		return "", 0
	}
	if i > 0 && isWordByte(s[i-1]) {
		return "", 0
	}
	end := strings.IndexAny(rest[:min(len(rest), maxBareLink+1)], " \t\r\n<>")
	if end < 0 && len(rest) > maxBareLink {
		return "", 0
	}
	if end < 0 {
		end = len(rest)
	}
	raw := strings.TrimRight(rest[:end], `.,;:!?)]}'"*_~`)
	if strings.HasSuffix(raw, "://") {
		return "", 0
	}
	return linkHTML(entityDecoder.Replace(raw), ""), len(raw)
}

// isWordByte reports whether c is an ASCII letter or digit, or part of
// a multi-byte character.
func isWordByte(c byte) bool {
	return c >= 0x80 || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
