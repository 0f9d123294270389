package render

import (
	"context"
	"strings"

	"github.com/liveline/liveline/bridge"
	"github.com/liveline/liveline/sanitize"
)

// message is the state of rendering one Slack message: the blocks done
// so far and the HTML of the text block still being written.
type message struct {
	ctx context.Context
	r   *Renderer

	// labels maps the target of each labelled <...> token in the
	// message's text, such as "#C0123" or "!subteam^S0123", to its
	// label. Rich text elements carry no labels, so they borrow these.
	labels map[string]string

	// embedded contains the links already shown as embeds, so that
	// Slack's preview of the same link adds no second card.
	embedded map[string]bool

	html  strings.Builder
	out   []bridge.Block
	depth int // emphasis nesting of the text being rendered
}

func newMessage(ctx context.Context, r *Renderer, text string) *message {
	return &message{
		ctx:      ctx,
		r:        r,
		labels:   tokenLabels(text),
		embedded: map[string]bool{},
	}
}

// write appends an HTML fragment to the current text block.
func (m *message) write(fragment string) {
	m.html.WriteString(fragment)
}

// add ends the current text block and appends b after it.
func (m *message) add(b bridge.Block) {
	m.flush()
	m.out = append(m.out, b)
}

// flush turns the HTML written so far into a sanitized text block.
func (m *message) flush() {
	fragment := m.html.String()
	m.html.Reset()
	if strings.TrimSpace(fragment) == "" {
		return
	}
	clean := sanitize.HTML(fragment)
	if strings.TrimSpace(clean) == "" {
		return
	}
	m.out = append(m.out, bridge.Block{Type: bridge.BlockText, HTML: clean})
}

// finish returns the blocks, ending the current text block.
func (m *message) finish() []bridge.Block {
	m.flush()
	return m.out
}

// rendered reports how many blocks and bytes of HTML exist so far, so a
// caller can tell whether a step produced anything.
func (m *message) rendered() int {
	return len(m.out) + m.html.Len()
}
