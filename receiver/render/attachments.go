package render

import (
	"html"
	"slices"
	"strings"

	"github.com/slack-go/slack"

	"github.com/liveline/liveline/bridge"
)

// attachments renders legacy attachments: Slack's link previews become
// cards, and other attachments (webhooks, forwarded messages) become
// text with their image after it.
func (m *message) attachments(attachments []slack.Attachment) {
	for i := range attachments {
		a := &attachments[i]
		if isUnfurl(a) {
			m.unfurl(a)
			continue
		}
		m.legacy(a)
	}
}

// isUnfurl reports whether a is Slack's preview of a link in the message.
// Previews of Slack messages link into the workspace, which readers
// cannot open, so they count as ordinary attachments.
func isUnfurl(a *slack.Attachment) bool {
	return (a.FromURL != "" || a.OriginalURL != "") && !a.IsMsgUnfurl && !a.IsShare
}

// unfurl adds a link preview as a card, unless the same link is already
// shown as an embed. Addresses that are not http or https are dropped.
func (m *message) unfurl(a *slack.Attachment) {
	if m.embedded[a.FromURL] || m.embedded[a.OriginalURL] {
		return
	}
	card := bridge.Block{
		Type:  bridge.BlockCard,
		Title: strings.TrimSpace(m.plainText(a.Title)),
		Text:  strings.TrimSpace(m.plainText(a.Text)),
	}
	card.URL = firstURL(a.TitleLink, a.FromURL, a.OriginalURL)
	card.ImageURL = firstURL(a.ImageURL, a.ThumbURL)
	if card.Title == "" && card.Text == "" && card.URL == "" {
		return
	}
	if card.Title == "" {
		card.Title = strings.TrimSpace(m.plainText(a.ServiceName))
	}
	m.add(card)
}

// firstURL returns the first of urls that is an http or https URL.
func firstURL(urls ...string) string {
	for _, u := range urls {
		if clean, ok := safeURL(u, false); ok {
			return clean
		}
	}
	return ""
}

// legacy renders an attachment as a <div class="attachment"> after its
// pretext, followed by its blocks and its image. The fallback text is
// shown only when nothing else is.
func (m *message) legacy(a *slack.Attachment) {
	m.attachmentMrkdwn(a.Pretext, "pretext", a)

	body := m.fragment(func(inner *message) { inner.attachmentBody(a) })
	if body == "" && !hasContent(a) {
		body = m.fragment(func(inner *message) { inner.attachmentMrkdwn(a.Fallback, "", a) })
	}
	if body != "" {
		m.write(`<div class="attachment">` + body + "</div>")
	}

	m.blocks(a.Blocks.BlockSet)
	if src := firstURL(a.ImageURL); src != "" {
		m.add(bridge.Block{Type: bridge.BlockImage, URL: src, Alt: m.plainText(a.Fallback)})
	}
}

// hasContent reports whether a has anything to show besides its body.
func hasContent(a *slack.Attachment) bool {
	return strings.TrimSpace(a.Pretext) != "" || len(a.Blocks.BlockSet) > 0 || firstURL(a.ImageURL) != ""
}

// fragment returns the HTML that write writes into a new message that
// shares m's lookups. write must not add blocks.
func (m *message) fragment(write func(inner *message)) string {
	inner := &message{ctx: m.ctx, r: m.r, labels: m.labels, embedded: m.embedded}
	write(inner)
	return inner.html.String()
}

// attachmentBody writes an attachment's author, title, text, fields and
// footer, in nestedMrkdwn or plainMrkdwn, which add no blocks.
func (m *message) attachmentBody(a *slack.Attachment) {
	if author := m.attachmentLink(a.AuthorName, a.AuthorLink); author != "" {
		m.write(`<p class="attachment-author">` + author + "</p>")
	}
	if title := m.attachmentLink(a.Title, a.TitleLink); title != "" {
		m.write(`<p class="attachment-title"><strong>` + title + "</strong></p>")
	}
	m.attachmentMrkdwn(a.Text, "text", a)
	m.fields(a)
	if footer := strings.TrimSpace(m.plainText(a.Footer)); footer != "" {
		m.write(`<p class="attachment-footer">` + html.EscapeString(footer) + "</p>")
	}
}

// attachmentLink renders plain text, linked to href if it is an http or
// https URL.
func (m *message) attachmentLink(text, href string) string {
	text = strings.TrimSpace(m.plainText(text))
	if text == "" {
		return ""
	}
	if _, ok := safeURL(href, false); ok {
		return linkHTML(href, text)
	}
	return html.EscapeString(text)
}

// attachmentMrkdwn renders one field of an attachment, formatted only if
// the attachment lists it in mrkdwn_in, as Slack does.
func (m *message) attachmentMrkdwn(text, field string, a *slack.Attachment) {
	m.mrkdwn(text, attachmentFormat(field, a))
}

func attachmentFormat(field string, a *slack.Attachment) format {
	if field != "" && slices.Contains(a.MarkdownIn, field) {
		return nestedMrkdwn
	}
	return plainMrkdwn
}

// fields writes an attachment's fields as "Title: value" lines.
func (m *message) fields(a *slack.Attachment) {
	f := attachmentFormat("fields", a)
	var lines []string
	for _, field := range a.Fields {
		title := html.EscapeString(strings.TrimSpace(m.plainText(field.Title)))
		value := joinLines(m.inlineLines(field.Value, f))
		switch {
		case title != "" && value != "":
			lines = append(lines, "<strong>"+strings.TrimSuffix(title, ":")+":</strong> "+value)
		case title != "":
			lines = append(lines, "<strong>"+title+"</strong>")
		case value != "":
			lines = append(lines, value)
		}
	}
	m.paragraph(lines)
}

// inlineLines renders each line of text as inline mrkdwn.
func (m *message) inlineLines(text string, f format) []string {
	lines := strings.Split(text, "\n")
	for i, s := range lines {
		lines[i] = m.inline(s, f)
	}
	return lines
}
