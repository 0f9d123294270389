// Package render turns a Slack message into a live post's author and
// content blocks. Every HTML fragment it returns has already passed the
// allow-list sanitizer, so sanitizing it again changes nothing.
package render

import (
	"context"
	"strings"

	"github.com/slack-go/slack"

	"github.com/liveline/liveline/bridge"
	"github.com/liveline/liveline/sanitize"
)

// Directory looks up names for mentions and authors. Lookups must be
// fast (a cache) and may fail: the renderer then shows a neutral
// placeholder, never a raw id.
type Directory interface {
	UserName(ctx context.Context, userID string) (string, bool)
	ChannelName(ctx context.Context, channelID string) (string, bool)
}

// Options configures a Renderer.
type Options struct {
	// Directory resolves user and channel names. Nil shows placeholders.
	Directory Directory
}

// Renderer renders Slack messages. It is safe for concurrent use.
type Renderer struct {
	dir Directory
}

// New returns a Renderer.
func New(opts Options) *Renderer {
	return &Renderer{dir: opts.Directory}
}

// Message renders msg. It never fails: parts it cannot render are left
// out, and no blocks means there is nothing to publish.
func (r *Renderer) Message(ctx context.Context, msg *slack.Msg) (bridge.Author, []bridge.Block) {
	author := r.author(ctx, msg)
	var blocks []bridge.Block
	if html := r.mrkdwn(ctx, msg.Text); html != "" {
		blocks = append(blocks, textBlock(html))
	}
	return author, blocks
}

func textBlock(html string) bridge.Block {
	return bridge.Block{Type: bridge.BlockText, HTML: sanitize.HTML(html)}
}

// placeholderUser is shown for a user whose name cannot be looked up.
const placeholderUser = "unknown user"

func (r *Renderer) author(ctx context.Context, msg *slack.Msg) bridge.Author {
	a := bridge.Author{ID: msg.User}
	switch {
	case msg.Username != "":
		a.Name = msg.Username
	case msg.User != "":
		a.Name = r.userName(ctx, msg.User)
	case msg.BotProfile != nil && msg.BotProfile.Name != "":
		a.Name = msg.BotProfile.Name
	default:
		a.Name = "Bot"
	}
	if a.ID == "" {
		a.ID = msg.BotID
	}
	return a
}

func (r *Renderer) userName(ctx context.Context, id string) string {
	if r.dir != nil {
		if name, ok := r.dir.UserName(ctx, id); ok && strings.TrimSpace(name) != "" {
			return name
		}
	}
	return placeholderUser
}
