package bridge

import (
	"encoding/json"
	"slices"
	"time"
)

// BlockType names the kind of a Block.
type BlockType string

// Block types. Renderers add types here; the publisher shows unknown types
// as nothing rather than as raw data.
const (
	BlockText  BlockType = "text"  // HTML is a sanitized fragment
	BlockImage BlockType = "image" // an image served by Liveline
	BlockEmbed BlockType = "embed" // an iframe or a link card for a known provider
	BlockFile  BlockType = "file"  // a named placeholder for a non-image file
	BlockCard  BlockType = "card"  // a link preview: title, text, image
)

// Block is one part of a post's content.
type Block struct {
	Type     BlockType `json:"type"`
	HTML     string    `json:"html,omitempty"`      // text: sanitized HTML fragment
	URL      string    `json:"url,omitempty"`       // image source, embed frame or card link
	Title    string    `json:"title,omitempty"`     // plain text
	Text     string    `json:"text,omitempty"`      // plain text, such as a card description
	ImageURL string    `json:"image_url,omitempty"` // card image
	Alt      string    `json:"alt,omitempty"`       // image alternative text
	Width    int       `json:"width,omitempty"`     // pixels, 0 when unknown
	Height   int       `json:"height,omitempty"`    // pixels, 0 when unknown
	Provider string    `json:"provider,omitempty"`  // embed provider, such as youtube
	FileID   string    `json:"file_id,omitempty"`   // Slack file id, for pending downloads
}

// Author is who a post is credited to.
type Author struct {
	ID        string `json:"id,omitempty"`         // Slack user or bot id
	Name      string `json:"name,omitempty"`       // display name shown to readers
	AvatarURL string `json:"avatar_url,omitempty"` // optional
}

// Post is a Slack message on a live page.
type Post struct {
	ChannelID string
	TS        string // Slack message ts, exactly as sent: the post id
	Author    Author
	Blocks    []Block

	// Version is the ts of the newest version merged so far: the edit's
	// edited.ts, or the message ts when it was never edited.
	Version string
	// Edited is Slack's edited.ts, empty while the author never edited.
	Edited string

	Hidden  bool  // hidden by an editor: served with show false
	Deleted bool  // a tombstone: never served, keeps late events out
	Updated Stamp // channel clock when this post last changed

	// Source is the raw Slack message JSON, kept so posts can be
	// rendered again when names or files resolve.
	Source json.RawMessage
}

// Created returns the time the message was posted.
func (p *Post) Created() time.Time {
	return TSTime(p.TS)
}

// EditedAt returns the time of the last author's edit, or the zero time.
func (p *Post) EditedAt() time.Time {
	if p.Edited == "" {
		return time.Time{}
	}
	return TSTime(p.Edited)
}

// Empty reports whether the post has nothing to show.
func (p *Post) Empty() bool {
	return len(p.Blocks) == 0
}

// sameContent reports whether a reader would see p and o the same way.
func (p *Post) sameContent(o *Post) bool {
	return p.Author == o.Author && p.Edited == o.Edited && slices.Equal(p.Blocks, o.Blocks)
}
