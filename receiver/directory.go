package receiver

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/liveline/liveline/bridge"
)

// NameMaxAge is how long a cached name is shown before it is looked up
// again. The stale name stays on the page until the new one arrives.
const NameMaxAge = 24 * time.Hour

// Directory is a render.Directory that reads names only from the cache,
// so rendering never waits for Slack. Each name that is missing or older
// than NameMaxAge is recorded in the context given to the renderer (see
// withMissing), and the caller enqueues a lookup job for it.
type Directory struct {
	names bridge.NameCache
	now   func() time.Time
	log   *slog.Logger
}

// NewDirectory returns a Directory over names. A nil now uses time.Now.
func NewDirectory(names bridge.NameCache, now func() time.Time, log *slog.Logger) *Directory {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &Directory{names: names, now: now, log: log.With("component", "directory")}
}

// UserName returns the cached name of a Slack user.
func (d *Directory) UserName(ctx context.Context, userID string) (string, bool) {
	return d.lookup(ctx, bridge.NameUser, bridge.JobUserName, userID)
}

// AvatarURL returns the cached profile image URL of a Slack user. The
// user-name lookup fills it, so a miss queues nothing of its own.
func (d *Directory) AvatarURL(ctx context.Context, userID string) (string, bool) {
	n, err := d.names.Name(ctx, bridge.NameAvatar, userID)
	if err != nil {
		return "", false
	}
	return n.Name, n.Name != ""
}

// ChannelName returns the cached name of a Slack channel.
func (d *Directory) ChannelName(ctx context.Context, channelID string) (string, bool) {
	return d.lookup(ctx, bridge.NameChannel, bridge.JobChannelName, channelID)
}

func (d *Directory) lookup(ctx context.Context, kind bridge.NameKind, job bridge.JobKind, id string) (string, bool) {
	n, err := d.names.Name(ctx, kind, id)
	if err != nil {
		if !errors.Is(err, bridge.ErrNotFound) {
			d.log.Warn("failed to read name cache", "kind", string(kind), "id", id, "error", err)
		}
		addMissing(ctx, job, id)
		return "", false
	}
	if d.now().Sub(n.Fetched) > NameMaxAge {
		addMissing(ctx, job, id)
	}
	return n.Name, n.Name != ""
}

// missing collects what one rendering of one message lacks. It is not
// safe for concurrent use, because one message renders on one goroutine.
type missing struct {
	jobs []bridge.Job
	seen map[bridge.Job]bool
}

type missingKey struct{}

// withMissing returns a context in which Directory records missing names
// into the returned collector.
func withMissing(ctx context.Context) (context.Context, *missing) {
	m := &missing{seen: map[bridge.Job]bool{}}
	return context.WithValue(ctx, missingKey{}, m), m
}

func addMissing(ctx context.Context, kind bridge.JobKind, key string) {
	if m, ok := ctx.Value(missingKey{}).(*missing); ok {
		m.add(kind, key)
	}
}

func (m *missing) add(kind bridge.JobKind, key string) {
	j := bridge.Job{Kind: kind, Key: key}
	if key == "" || m.seen[j] {
		return
	}
	m.seen[j] = true
	m.jobs = append(m.jobs, j)
}

// jobsFor returns the collected jobs for the post channelID/ts.
func (m *missing) jobsFor(channelID, ts string) []bridge.Job {
	out := make([]bridge.Job, len(m.jobs))
	for i, j := range m.jobs {
		j.ChannelID, j.TS = channelID, ts
		out[i] = j
	}
	return out
}
