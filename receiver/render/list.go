package render

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// listItem is one rendered item of a bulleted or numbered list.
type listItem struct {
	ordered bool
	indent  int // nesting depth, 0 at the top
	start   int // first number of an ordered list, 0 for the default
	html    string
}

// openList is a list element not yet closed while listHTML nests items.
type openList struct {
	ordered bool
	indent  int
}

// listHTML nests items into <ul> and <ol> elements by their indent. A
// deeper list goes inside the item before it, as HTML requires.
func listHTML(items []listItem) string {
	var b strings.Builder
	var stack []openList
	for _, it := range items {
		for len(stack) > 0 && stack[len(stack)-1].indent > it.indent {
			b.WriteString("</li>" + closeTag(stack[len(stack)-1]))
			stack = stack[:len(stack)-1]
		}
		if n := len(stack); n > 0 && stack[n-1].indent == it.indent {
			b.WriteString("</li>")
			if stack[n-1].ordered != it.ordered {
				b.WriteString(closeTag(stack[n-1]))
				stack = stack[:n-1]
			}
		}
		if n := len(stack); n == 0 || stack[n-1].indent < it.indent {
			b.WriteString(openTag(it))
			stack = append(stack, openList{ordered: it.ordered, indent: it.indent})
		}
		b.WriteString("<li>" + it.html)
	}
	for i := len(stack) - 1; i >= 0; i-- {
		b.WriteString("</li>" + closeTag(stack[i]))
	}
	return b.String()
}

func openTag(it listItem) string {
	switch {
	case !it.ordered:
		return "<ul>"
	case it.start > 1:
		return `<ol start="` + strconv.Itoa(it.start) + `">`
	}
	return "<ol>"
}

func closeTag(l openList) string {
	if l.ordered {
		return "</ol>"
	}
	return "</ul>"
}

// bulletMarkers are the characters that start a bulleted line in mrkdwn:
// Slack's own bullets for each depth, and the ones people type.
const bulletMarkers = "•◦▪▫‣-*"

// bulletLine splits a bulleted line such as "    ◦ item" into its depth
// and its text. Four spaces make one level, as in Slack's own text.
func bulletLine(s string) (indent int, text string, ok bool) {
	trimmed := strings.TrimLeft(s, " ")
	spaces := len(s) - len(trimmed)
	marker, size := utf8.DecodeRuneInString(trimmed)
	if size == 0 || !strings.ContainsRune(bulletMarkers, marker) {
		return 0, "", false
	}
	text = trimmed[size:]
	if !strings.HasPrefix(text, " ") || strings.TrimSpace(text) == "" {
		return 0, "", false
	}
	return (spaces + 2) / 4, strings.TrimLeft(text, " "), true
}

func isBulletLine(s string) bool {
	_, _, ok := bulletLine(s)
	return ok
}

// bullets writes bulleted lines as a list.
func (m *message) bullets(lines []string, f format) {
	items := make([]listItem, 0, len(lines))
	for _, s := range lines {
		indent, text, _ := bulletLine(s)
		items = append(items, listItem{indent: indent, html: m.inline(text, f)})
	}
	m.write(listHTML(items))
}
