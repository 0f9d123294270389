package bridge

import "fmt"

// ThreadPolicy decides which thread replies in a channel become posts.
type ThreadPolicy string

// Thread policies. Top-level messages are always posts.
const (
	// ThreadsBroadcast publishes replies sent with "Also send to channel".
	ThreadsBroadcast ThreadPolicy = "broadcast"
	// ThreadsIgnore publishes no thread replies at all.
	ThreadsIgnore ThreadPolicy = "ignore"
	// ThreadsAll publishes every thread reply.
	ThreadsAll ThreadPolicy = "all"
)

// ParseThreadPolicy returns the policy named s. An empty s is the default,
// ThreadsBroadcast.
func ParseThreadPolicy(s string) (ThreadPolicy, error) {
	switch p := ThreadPolicy(s); p {
	case "":
		return ThreadsBroadcast, nil
	case ThreadsBroadcast, ThreadsIgnore, ThreadsAll:
		return p, nil
	}
	return "", fmt.Errorf("invalid thread policy %q: use ignore, broadcast or all", s)
}

// Channel is a Slack channel mapped to a live page.
type Channel struct {
	ID    string // Slack channel id, such as C0LIVE01
	Slug  string // path of the reader page, /live/{slug}
	Title string // page title shown to readers
	// Description is a one-line summary for the reader page, search
	// engines and feeds; empty leaves it out.
	Description string
	Threads     ThreadPolicy // which thread replies are published
}

// Channels is the set of mapped channels, looked up by id or slug.
type Channels struct {
	list   []Channel
	byID   map[string]int
	bySlug map[string]int
}

// NewChannels indexes list. It returns an error when an id or slug is
// empty or repeated.
func NewChannels(list []Channel) (*Channels, error) {
	c := &Channels{
		list:   append([]Channel(nil), list...),
		byID:   make(map[string]int, len(list)),
		bySlug: make(map[string]int, len(list)),
	}
	for i, ch := range c.list {
		if ch.ID == "" {
			return nil, fmt.Errorf("channel %d: missing channel_id", i+1)
		}
		if ch.Slug == "" {
			return nil, fmt.Errorf("channel %s: missing slug", ch.ID)
		}
		if _, dup := c.byID[ch.ID]; dup {
			return nil, fmt.Errorf("duplicate channel_id %q", ch.ID)
		}
		if _, dup := c.bySlug[ch.Slug]; dup {
			return nil, fmt.Errorf("duplicate slug %q", ch.Slug)
		}
		if ch.Threads == "" {
			c.list[i].Threads = ThreadsBroadcast
		}
		c.byID[ch.ID] = i
		c.bySlug[ch.Slug] = i
	}
	return c, nil
}

// ByID returns the channel mapped to the Slack channel id.
func (c *Channels) ByID(id string) (Channel, bool) {
	i, ok := c.byID[id]
	if !ok {
		return Channel{}, false
	}
	return c.list[i], true
}

// BySlug returns the channel whose reader page is /live/{slug}.
func (c *Channels) BySlug(slug string) (Channel, bool) {
	i, ok := c.bySlug[slug]
	if !ok {
		return Channel{}, false
	}
	return c.list[i], true
}

// All returns the mapped channels in config order.
func (c *Channels) All() []Channel {
	return append([]Channel(nil), c.list...)
}
