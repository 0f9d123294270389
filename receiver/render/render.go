// Package render turns a Slack message into a live post's author and
// content blocks. Every HTML fragment it returns has already passed the
// allow-list sanitizer, so sanitizing it again changes nothing.
package render

import (
	"context"
	"strings"

	"github.com/slack-go/slack"

	"github.com/liveline/liveline/bridge"
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

	// UsergroupName returns the handle of a Slack user group, such as
	// "desk-editors", for mentions that carry no label. Nil shows
	// "@group" for those.
	UsergroupName func(ctx context.Context, usergroupID string) (string, bool)

	// EmojiURL returns the image URL of a workspace's custom emoji, by
	// name without colons. Only https URLs are shown, as an image. Nil,
	// a failed lookup or another scheme shows ":name:" as text.
	EmojiURL func(ctx context.Context, name string) (string, bool)

	// ShowAvatars puts the author's picture on each post: a person's from
	// a Directory that also implements AvatarDirectory, a bot's from its
	// icons. Only https URLs are used.
	ShowAvatars bool
}

// AvatarDirectory is a Directory that also returns users' profile images.
type AvatarDirectory interface {
	AvatarURL(ctx context.Context, userID string) (string, bool)
}

// Renderer renders Slack messages. It is safe for concurrent use.
type Renderer struct {
	dir           Directory
	usergroupName func(context.Context, string) (string, bool)
	emojiURL      func(context.Context, string) (string, bool)
	showAvatars   bool
}

// New returns a Renderer.
func New(opts Options) *Renderer {
	return &Renderer{
		dir:           opts.Directory,
		usergroupName: opts.UsergroupName,
		emojiURL:      opts.EmojiURL,
		showAvatars:   opts.ShowAvatars,
	}
}

// Message renders msg. It returns no error: parts it cannot render are
// left out, and no blocks means there is nothing to publish.
//
// Content comes from msg.Blocks when they render to anything, else from
// the mrkdwn in msg.Text, followed by the attachments. It renders
// nothing for msg.Files.
func (r *Renderer) Message(ctx context.Context, msg *slack.Msg) (bridge.Author, []bridge.Block) {
	m := newMessage(ctx, r, msg.Text)
	if !m.blocks(msg.Blocks.BlockSet) {
		m.mrkdwn(msg.Text, fullMrkdwn)
	}
	m.attachments(msg.Attachments)
	return r.author(ctx, msg), m.finish()
}

// placeholderUser is shown for a user whose name cannot be looked up.
const placeholderUser = "unknown user"

// author credits a person by their directory name, and a bot by the
// username it posted with, its app's name or else "Bot".
func (r *Renderer) author(ctx context.Context, msg *slack.Msg) bridge.Author {
	a := bridge.Author{ID: msg.User}
	if a.ID == "" {
		a.ID = msg.BotID
	}

	bot := msg.BotID != "" || msg.SubType == slack.MsgSubTypeBotMessage
	switch {
	case msg.Username != "":
		a.Name = msg.Username
	case bot && msg.BotProfile != nil && strings.TrimSpace(msg.BotProfile.Name) != "":
		a.Name = msg.BotProfile.Name
	case msg.User != "":
		a.Name = r.userName(ctx, msg.User)
	default:
		a.Name = "Bot"
	}
	if r.showAvatars {
		a.AvatarURL = r.avatar(ctx, msg, bot)
	}
	return a
}

// avatar returns the https URL of the author's picture, or "".
func (r *Renderer) avatar(ctx context.Context, msg *slack.Msg, bot bool) string {
	var url string
	switch {
	case bot && msg.Icons != nil && msg.Icons.IconURL != "":
		url = msg.Icons.IconURL
	case bot && msg.BotProfile != nil && msg.BotProfile.Icons != nil:
		url = msg.BotProfile.Icons.Image48
	case msg.User != "":
		if dir, ok := r.dir.(AvatarDirectory); ok {
			url, _ = dir.AvatarURL(ctx, msg.User)
		}
	}
	if !strings.HasPrefix(url, "https://") {
		return ""
	}
	return url
}

func (r *Renderer) userName(ctx context.Context, id string) string {
	if r.dir != nil && id != "" {
		if name, ok := r.dir.UserName(ctx, id); ok && strings.TrimSpace(name) != "" {
			return name
		}
	}
	return placeholderUser
}
