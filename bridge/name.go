package bridge

import (
	"context"
	"time"
)

// NameKind names what a cached Name belongs to.
type NameKind string

// Name kinds.
const (
	NameUser    NameKind = "user"
	NameChannel NameKind = "channel"
	// NameAvatar caches a user's profile image URL, in Name.Name.
	NameAvatar NameKind = "avatar"
)

// Name is a looked-up name of a Slack user or channel.
type Name struct {
	Kind NameKind
	ID   string
	// Name is shown to readers. It is empty when the user or channel
	// does not exist or must not be named, so readers see a placeholder.
	Name string
	// Fetched is when Slack returned the name.
	Fetched time.Time
}

// NameCache stores looked-up names.
type NameCache interface {
	// Name returns the cached name, or ErrNotFound.
	Name(ctx context.Context, kind NameKind, id string) (Name, error)
	// PutName stores n, replacing an older entry.
	PutName(ctx context.Context, n Name) error
}
