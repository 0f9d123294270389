package bridge

// Op is the kind of a Change.
type Op int

// Operations on a post.
const (
	// OpUpsert adds a post or replaces its content with a newer version.
	OpUpsert Op = iota + 1
	// OpDelete removes a post and leaves a tombstone.
	OpDelete
	// OpHide hides a post from readers without deleting it.
	OpHide
	// OpShow shows a hidden post again.
	OpShow
)

func (o Op) String() string {
	switch o {
	case OpUpsert:
		return "upsert"
	case OpDelete:
		return "delete"
	case OpHide:
		return "hide"
	case OpShow:
		return "show"
	}
	return "unknown"
}

// Change is one operation on one post, as decoded from a Slack event.
type Change struct {
	Op        Op
	ChannelID string
	TS        string

	// Post is the new content, for OpUpsert. Its Version orders it
	// against what is stored.
	Post *Post
	// User is who added (OpHide) or removed (OpShow) the hide reaction.
	// A post stays hidden while anyone's hide reaction remains on it.
	User string
	// Hiders, when ReplaceHiders is set, is everyone whose hide reaction
	// is on the message now, as Slack's history lists it. It replaces
	// what events recorded.
	Hiders        []string
	ReplaceHiders bool

	// OnlyIfAbsent makes an OpUpsert create the post only when nothing is
	// stored under its ts. Slack's own message_changed events for link
	// unfurls and reply counts use it: they carry no author's edit.
	OnlyIfAbsent bool

	// Jobs resolve what the post still lacks, such as names and images.
	// The writer enqueues them in the same transaction when the change
	// writes the post, and drops them otherwise.
	Jobs []Job
}

// Outcome reports what merging a change did.
type Outcome struct {
	// Changed is true when readers see a difference and the channel
	// clock moved.
	Changed bool
	// Reason explains why nothing changed, for debug logs.
	Reason string
	// Stamp is the channel clock after the change.
	Stamp Stamp
}

// Merge decides what a change does to the stored post, which is nil when
// none is stored. It returns the post to store (nil when nothing is to be
// written), whether readers see a change, and why not when they do not.
// A returned tombstone for a post never seen is written but not visible.
func Merge(stored *Post, c Change) (next *Post, visible bool, reason string) {
	switch c.Op {
	case OpUpsert:
		return mergeUpsert(stored, c)
	case OpDelete:
		return mergeDelete(stored, c)
	case OpHide, OpShow:
		return mergeHide(stored, c.Op == OpHide)
	}
	return nil, false, "unknown operation"
}

func mergeUpsert(stored *Post, c Change) (*Post, bool, string) {
	if c.Post == nil {
		return nil, false, "no content"
	}
	p := *c.Post
	p.ChannelID, p.TS = c.ChannelID, c.TS
	if p.Version == "" {
		p.Version = p.TS
	}
	if stored == nil {
		if p.Empty() {
			return nil, false, "empty post"
		}
		return &p, true, ""
	}

	if stored.Deleted {
		return nil, false, "post was deleted"
	}
	if c.OnlyIfAbsent {
		return nil, false, "post exists and the change is not an author's edit"
	}
	if CompareTS(p.Version, stored.Version) < 0 {
		return nil, false, "stale version"
	}
	p.Hidden = stored.Hidden
	if p.sameContent(stored) {
		return nil, false, "content unchanged"
	}
	if p.Empty() {
		return nil, false, "empty post"
	}
	return &p, true, ""
}

func mergeDelete(stored *Post, c Change) (*Post, bool, string) {
	if stored == nil {
		return &Post{ChannelID: c.ChannelID, TS: c.TS, Version: c.TS, Deleted: true},
			false, "message never stored"
	}
	if stored.Deleted {
		return nil, false, "already deleted"
	}
	p := Post{ChannelID: stored.ChannelID, TS: stored.TS, Version: stored.Version, Deleted: true}
	return &p, true, ""
}

func mergeHide(stored *Post, hide bool) (*Post, bool, string) {
	switch {
	case stored == nil:
		return nil, false, "message never stored"
	case stored.Deleted:
		return nil, false, "post was deleted"
	case stored.Hidden == hide:
		return nil, false, "already in that state"
	}
	p := *stored
	p.Hidden = hide
	return &p, true, ""
}
