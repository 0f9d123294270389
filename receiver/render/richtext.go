package render

import (
	"html"
	"strings"

	"github.com/slack-go/slack"

	"github.com/liveline/liveline/bridge"
)

// richText renders a rich_text block, element by element. Runs of
// rich_text_list elements become one nested list.
func (m *message) richText(b *slack.RichTextBlock) {
	elements := b.Elements
	for i := 0; i < len(elements); i++ {
		switch e := elements[i].(type) {
		case *slack.RichTextSection:
			m.paragraphs(m.richLines(e.Elements))
		case *slack.RichTextList:
			n := 1
			for i+n < len(elements) && isRichList(elements[i+n]) {
				n++
			}
			m.write(listHTML(m.richListItems(elements[i : i+n])))
			i += n - 1
		case *slack.RichTextQuote:
			if body := m.richInline(e.Elements, true); body != "" {
				m.write("<blockquote>" + body + "</blockquote>")
			}
		case *slack.RichTextPreformatted:
			if body := m.richInline(e.Elements, false); strings.TrimSpace(body) != "" {
				m.write("<pre><code>" + body + "</code></pre>")
			}
		}
	}
}

func isRichList(e slack.RichTextElement) bool {
	_, ok := e.(*slack.RichTextList)
	return ok
}

// richListItems returns the items of consecutive rich_text_list
// elements. Slack sends each depth as its own list, with an indent.
func (m *message) richListItems(lists []slack.RichTextElement) []listItem {
	var items []listItem
	for _, e := range lists {
		list := e.(*slack.RichTextList)
		for i, el := range list.Elements {
			item := listItem{
				ordered: list.Style == slack.RTEListOrdered,
				indent:  max(list.Indent, 0),
			}
			if i == 0 && list.Offset > 0 {
				item.start = list.Offset + 1
			}
			if section, ok := el.(*slack.RichTextSection); ok {
				item.html = m.richInline(section.Elements, true)
			}
			items = append(items, item)
		}
	}
	return items
}

// richLines renders a rich_text_section line by line, so that a line
// holding only a link to a known provider can become an embed.
func (m *message) richLines(elements []slack.RichTextSectionElement) []line {
	var out []line
	for _, l := range splitRichLines(elements) {
		if b, ok := m.richEmbed(l); ok {
			out = append(out, line{embed: &b})
			continue
		}
		out = append(out, line{html: m.richInline(l, true)})
	}
	return out
}

// splitRichLines splits elements at the line breaks inside text elements.
func splitRichLines(elements []slack.RichTextSectionElement) [][]slack.RichTextSectionElement {
	lines := [][]slack.RichTextSectionElement{nil}
	for _, e := range elements {
		text, ok := e.(*slack.RichTextSectionTextElement)
		if !ok {
			last := len(lines) - 1
			lines[last] = append(lines[last], e)
			continue
		}
		for i, part := range strings.Split(text.Text, "\n") {
			if i > 0 {
				lines = append(lines, nil)
			}
			if part != "" {
				last := len(lines) - 1
				piece := *text
				piece.Text = part
				lines[last] = append(lines[last], &piece)
			}
		}
	}
	return lines
}

// richEmbed returns the embed for a line holding only a link element,
// with nothing but spaces around it.
func (m *message) richEmbed(elements []slack.RichTextSectionElement) (bridge.Block, bool) {
	var link *slack.RichTextSectionLinkElement
	for _, e := range elements {
		switch e := e.(type) {
		case *slack.RichTextSectionLinkElement:
			if link != nil {
				return bridge.Block{}, false
			}
			link = e
		case *slack.RichTextSectionTextElement:
			if strings.TrimSpace(e.Text) != "" {
				return bridge.Block{}, false
			}
		default:
			return bridge.Block{}, false
		}
	}
	if link == nil {
		return bridge.Block{}, false
	}
	return m.embed(link.URL, link.Text)
}

// richInline renders section elements as inline HTML. With styles off,
// as in preformatted text, text keeps its line breaks and styles are
// ignored; with styles on, line breaks become <br>.
func (m *message) richInline(elements []slack.RichTextSectionElement, styles bool) string {
	var b strings.Builder
	for _, e := range elements {
		fragment, style := m.richElement(e)
		if styles {
			fragment = strings.ReplaceAll(fragment, "\n", "<br>")
			fragment = styled(fragment, style)
		}
		b.WriteString(fragment)
	}
	if styles {
		return joinLines(strings.Split(b.String(), "<br>"))
	}
	return b.String()
}

// richElement renders one element of a section and returns its style.
func (m *message) richElement(e slack.RichTextSectionElement) (string, *slack.RichTextSectionTextStyle) {
	switch e := e.(type) {
	case *slack.RichTextSectionTextElement:
		return html.EscapeString(e.Text), e.Style
	case *slack.RichTextSectionLinkElement:
		return linkHTML(e.URL, e.Text), e.Style
	case *slack.RichTextSectionUserElement:
		return html.EscapeString(m.userMention(e.UserID)), e.Style
	case *slack.RichTextSectionChannelElement:
		return html.EscapeString(m.channelMention(e.ChannelID, "")), e.Style
	case *slack.RichTextSectionUserGroupElement:
		return html.EscapeString(m.usergroupMention(e.UsergroupID, "")), e.Style
	case *slack.RichTextSectionBroadcastElement:
		return html.EscapeString(broadcastMention(e.Range)), e.Style
	case *slack.RichTextSectionEmojiElement:
		return m.richEmoji(e), e.Style
	case *slack.RichTextSectionDateElement:
		return dateHTML(int64(e.Timestamp), deref(e.Fallback)), e.Style
	case *slack.RichTextSectionColorElement:
		return html.EscapeString(e.Value), e.Style
	}
	return "", nil
}

func (m *message) richEmoji(e *slack.RichTextSectionEmojiElement) string {
	if fragment, ok := m.emojiHTML(e.Name, e.SkinTone, e.Unicode, e.URL); ok {
		return fragment
	}
	return html.EscapeString(":" + e.Name + ":")
}

// styled wraps fragment in the elements for style. Underline and
// highlight have no allowed element, so they are dropped.
func styled(fragment string, style *slack.RichTextSectionTextStyle) string {
	if style == nil || fragment == "" {
		return fragment
	}
	if style.Code {
		fragment = "<code>" + fragment + "</code>"
	}
	if style.Strike {
		fragment = "<s>" + fragment + "</s>"
	}
	if style.Italic {
		fragment = "<em>" + fragment + "</em>"
	}
	if style.Bold {
		fragment = "<strong>" + fragment + "</strong>"
	}
	return fragment
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
