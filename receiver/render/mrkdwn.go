package render

import (
	"html"
	"strings"

	"github.com/liveline/liveline/bridge"
)

// line is one rendered line of a paragraph, or the embed that takes the
// place of a line holding only a provider's link.
type line struct {
	html  string
	embed *bridge.Block
}

// mrkdwn renders Slack mrkdwn text, still in Slack's escaped form, into
// the message: ``` code blocks, > quotes, bulleted lines and paragraphs.
func (m *message) mrkdwn(text string, f format) {
	if !f.styles {
		m.lines(text, f)
		return
	}
	for text != "" {
		before, code, after, found := cutFence(text)
		m.lines(before, f)
		if !found {
			return
		}
		if strings.TrimSpace(code) != "" {
			m.write("<pre><code>" + html.EscapeString(m.plainText(code)) + "</code></pre>")
		}
		text = after
	}
}

// cutFence splits text around its first ``` code block, dropping the
// line breaks that Slack puts just inside the fences.
func cutFence(text string) (before, code, after string, found bool) {
	open := strings.Index(text, "```")
	if open < 0 {
		return text, "", "", false
	}
	length := strings.Index(text[open+3:], "```")
	if length < 0 {
		return text, "", "", false
	}
	code = text[open+3 : open+3+length]
	code = strings.TrimPrefix(code, "\n")
	code = strings.TrimSuffix(code, "\n")
	return text[:open], code, text[open+3+length+3:], true
}

// lines renders text outside code blocks, grouping runs of quoted,
// bulleted and plain lines. Without styles every line is plain.
func (m *message) lines(text string, f format) {
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); {
		rest, quoteAll := strings.CutPrefix(lines[i], "&gt;&gt;&gt;")
		switch {
		case f.styles && quoteAll:
			rest = strings.TrimPrefix(rest, " ")
			m.quote(append([]string{rest}, lines[i+1:]...), f)
			i = len(lines)
		case f.styles && isQuoteLine(lines[i]):
			n := countWhile(lines[i:], isQuoteLine)
			m.quote(unquote(lines[i:i+n]), f)
			i += n
		case f.styles && isBulletLine(lines[i]):
			n := countWhile(lines[i:], isBulletLine)
			m.bullets(lines[i:i+n], f)
			i += n
		default:
			n := 1 + countWhile(lines[i+1:], func(s string) bool { return !f.styles || !isBlockLine(s) })
			m.paragraphs(m.plainLines(lines[i:i+n], f))
			i += n
		}
	}
}

// countWhile returns how many leading lines satisfy match.
func countWhile(lines []string, match func(string) bool) int {
	n := 0
	for n < len(lines) && match(lines[n]) {
		n++
	}
	return n
}

// isBlockLine reports whether s starts a quote or a bulleted item.
func isBlockLine(s string) bool {
	return isQuoteLine(s) || isBulletLine(s)
}

func isQuoteLine(s string) bool {
	return strings.HasPrefix(s, "&gt;")
}

// unquote removes the "> " that starts each quoted line.
func unquote(lines []string) []string {
	out := make([]string, len(lines))
	for i, s := range lines {
		s = strings.TrimPrefix(s, "&gt;")
		out[i] = strings.TrimPrefix(s, " ")
	}
	return out
}

// quote writes lines as one blockquote.
func (m *message) quote(lines []string, f format) {
	rendered := make([]string, len(lines))
	for i, s := range lines {
		rendered[i] = m.inline(s, f)
	}
	if body := joinLines(rendered); body != "" {
		m.write("<blockquote>" + body + "</blockquote>")
	}
}

// plainLines renders lines, turning a line that holds only a provider's
// link into an embed when f allows it.
func (m *message) plainLines(lines []string, f format) []line {
	out := make([]line, len(lines))
	for i, s := range lines {
		if f.embeds {
			if b, ok := m.embedLine(s); ok {
				out[i] = line{embed: &b}
				continue
			}
		}
		out[i] = line{html: m.inline(s, f)}
	}
	return out
}

// embedLine returns the embed for a line that holds only a <...> link
// to a known provider.
func (m *message) embedLine(s string) (bridge.Block, bool) {
	s = strings.TrimSpace(s)
	if s == "" || tokenAt(s, 0) != len(s) {
		return bridge.Block{}, false
	}
	tok := parseToken(s[1 : len(s)-1])
	if !isLinkToken(tok.target) {
		return bridge.Block{}, false
	}
	return m.embed(entityDecoder.Replace(tok.target), tok.label)
}

// paragraphs writes each run of lines between embeds as a paragraph.
func (m *message) paragraphs(lines []line) {
	var run []string
	for _, l := range lines {
		if l.embed == nil {
			run = append(run, l.html)
			continue
		}
		m.paragraph(run)
		run = nil
		m.add(*l.embed)
	}
	m.paragraph(run)
}

// paragraph writes lines as one <p>, with <br> between lines.
func (m *message) paragraph(lines []string) {
	if body := joinLines(lines); body != "" {
		m.write("<p>" + body + "</p>")
	}
}

// joinLines joins rendered lines with <br>, leaving out blank lines at
// the start and end.
func joinLines(lines []string) string {
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "<br>")
}
