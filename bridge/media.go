package bridge

import (
	"context"
	"regexp"
)

// MediaPrefix is the path under which Liveline serves stored images.
const MediaPrefix = "/media/"

// Media is an image downloaded from Slack and stored by content hash.
type Media struct {
	FileID string // Slack file id
	SHA256 string // lowercase hex SHA-256 of the stored bytes
	Ext    string // png, jpg, gif or webp
	Width  int    // pixels
	Height int    // pixels
	Alt    string // alternative text: the file's title or name, when known
}

// FileName returns the stored file's name, such as "ab12….png".
func (m Media) FileName() string {
	return m.SHA256 + "." + m.Ext
}

// URL returns the root-relative URL readers load the image from.
func (m Media) URL() string {
	return MediaPrefix + m.FileName()
}

var mediaNamePattern = regexp.MustCompile(`^[0-9a-f]{64}\.(png|jpg|gif|webp)$`)

// IsMediaFileName reports whether name has the form of a stored image's
// file name: a SHA-256 in lowercase hex and an image extension.
func IsMediaFileName(name string) bool {
	return mediaNamePattern.MatchString(name)
}

// MediaIndex maps Slack file ids to stored images, so a file is
// downloaded once, however often its message is edited or delivered.
type MediaIndex interface {
	// Media returns the image stored for a Slack file id, or ErrNotFound.
	Media(ctx context.Context, fileID string) (Media, error)
	// PutMedia records a stored image.
	PutMedia(ctx context.Context, m Media) error
}
