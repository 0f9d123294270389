package render

import (
	"context"
	"html"
	"strings"
)

// entityDecoder undoes Slack's escaping of &, < and > in message text.
// It runs once, on text outside <...> tokens and on token parts, so an
// entity the author typed (Slack sends &amp;lt;) stays visible as typed.
var entityDecoder = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")

// mrkdwn renders Slack's mrkdwn text as an HTML fragment: Slack's <...>
// tokens become links and mentions, everything else is escaped, and line
// breaks are kept.
func (r *Renderer) mrkdwn(ctx context.Context, text string) string {
	if strings.TrimSpace(text) == "" {
		return ""
	}
	var b strings.Builder
	for text != "" {
		open := strings.IndexByte(text, '<')
		if open < 0 {
			b.WriteString(escapeText(text))
			break
		}
		end := strings.IndexByte(text[open:], '>')
		if end < 0 {
			b.WriteString(escapeText(text))
			break
		}
		b.WriteString(escapeText(text[:open]))
		b.WriteString(r.token(ctx, text[open+1:open+end]))
		text = text[open+end+1:]
	}
	return "<p>" + b.String() + "</p>"
}

// escapeText decodes Slack's entities once and escapes the result for
// HTML, turning line breaks into <br>.
func escapeText(s string) string {
	s = html.EscapeString(entityDecoder.Replace(s))
	return strings.ReplaceAll(s, "\n", "<br>")
}

// token renders the inside of one <...> sequence.
func (r *Renderer) token(ctx context.Context, tok string) string {
	target, label, hasLabel := strings.Cut(tok, "|")
	switch {
	case strings.HasPrefix(target, "@"):
		return html.EscapeString("@" + r.userName(ctx, target[1:]))
	case strings.HasPrefix(target, "#"):
		return html.EscapeString("#" + r.channelName(ctx, target[1:], label))
	case strings.HasPrefix(target, "!"):
		return html.EscapeString(special(target[1:], label))
	}
	href := entityDecoder.Replace(target)
	text := href
	if hasLabel && label != "" {
		text = entityDecoder.Replace(label)
	}
	text = strings.TrimPrefix(text, "mailto:")
	if !linkable(href) {
		return html.EscapeString(text)
	}
	return `<a href="` + html.EscapeString(href) + `" rel="nofollow noopener">` +
		html.EscapeString(text) + `</a>`
}

// linkable reports whether href may become an anchor: http, https and
// mailto only.
func linkable(href string) bool {
	lower := strings.ToLower(href)
	return strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") ||
		strings.HasPrefix(lower, "mailto:")
}

func (r *Renderer) channelName(ctx context.Context, id, label string) string {
	if label != "" {
		return entityDecoder.Replace(label)
	}
	if r.dir != nil {
		if name, ok := r.dir.ChannelName(ctx, id); ok && name != "" {
			return name
		}
	}
	return "channel"
}

// special renders <!here>, <!channel>, <!subteam^ID|label> and
// <!date^...|fallback> as plain text.
func special(target, label string) string {
	if label != "" {
		return entityDecoder.Replace(label)
	}
	name, _, _ := strings.Cut(target, "^")
	switch name {
	case "here", "channel", "everyone":
		return "@" + name
	case "subteam":
		return "@group"
	}
	return ""
}
