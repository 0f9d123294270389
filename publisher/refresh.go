package publisher

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/liveline/liveline/bridge"
)

// channelState holds the published snapshot of one channel.
type channelState struct {
	// mu serializes refreshes. Handlers take it only while no snapshot
	// is loaded or the last refresh failed.
	mu      sync.Mutex
	current atomic.Pointer[snapshot]
	// stale is set when a refresh failed, so the snapshot may lack a
	// committed change and the next request retries.
	stale atomic.Bool
}

// Refresh reads the channel's committed changes since its snapshot and
// publishes a new snapshot with them, rendering only the changed posts.
// Call it after every committed change, so readers see the change by the
// time Apply has returned. A failed refresh leaves the channel marked
// stale, and the next reader request retries it.
func (p *Publisher) Refresh(ctx context.Context, channelID string) error {
	st, ok := p.states[channelID]
	if !ok {
		return fmt.Errorf("refresh %s: %w", channelID, bridge.ErrNotFound)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return p.refreshLocked(ctx, channelID, st)
}

// Invalidate marks the channel's snapshot stale, so the next reader
// request reloads it. Writers call it when they cannot tell whether a
// change was committed.
func (p *Publisher) Invalidate(channelID string) {
	if st, ok := p.states[channelID]; ok {
		st.stale.Store(true)
	}
}

func (p *Publisher) refreshLocked(ctx context.Context, channelID string, st *channelState) error {
	next, err := p.load(ctx, channelID, st.current.Load())
	if err != nil {
		st.stale.Store(true)
		return fmt.Errorf("refresh %s: %w", channelID, err)
	}
	st.current.Store(next)
	st.stale.Store(false)
	return nil
}

// snapshot returns the channel's current snapshot, loading it on first
// use or after a failed refresh.
func (p *Publisher) snapshot(ctx context.Context, channelID string) (*snapshot, error) {
	st, ok := p.states[channelID]
	if !ok {
		return nil, fmt.Errorf("snapshot of %s: %w", channelID, bridge.ErrNotFound)
	}
	if s := st.current.Load(); s != nil && !st.stale.Load() {
		return s, nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if s := st.current.Load(); s != nil && !st.stale.Load() {
		return s, nil
	}
	if err := p.refreshLocked(ctx, channelID, st); err != nil {
		return nil, err
	}
	return st.current.Load(), nil
}

// load returns the snapshot that follows cur. With a bridge.ChangeReader it
// reads only the posts changed since cur; otherwise it reads every post and
// renders those whose stamp differs from cur's.
func (p *Publisher) load(ctx context.Context, channelID string, cur *snapshot) (*snapshot, error) {
	if p.changes == nil {
		return p.loadAll(ctx, channelID, cur)
	}
	var since bridge.Stamp
	if cur != nil {
		since = cur.last
	}
	changed, last, err := p.changes.ChangesSince(ctx, channelID, since)
	if err != nil {
		return nil, err
	}
	if cur != nil && len(changed) == 0 && last == cur.last {
		return cur, nil
	}
	entries := make([]*entry, 0, len(changed))
	deleted := map[string]bool{}
	for i := range changed {
		if changed[i].Deleted {
			deleted[changed[i].TS] = true
			continue
		}
		entries = append(entries, p.newEntry(&changed[i]))
	}
	return cur.patch(entries, deleted, last, p.interval), nil
}

func (p *Publisher) loadAll(ctx context.Context, channelID string, cur *snapshot) (*snapshot, error) {
	posts, last, err := p.cfg.Posts.PostsSince(ctx, channelID, 0)
	if err != nil {
		return nil, err
	}
	if cur != nil && last == cur.last && len(posts) == len(cur.posts) {
		return cur, nil
	}
	rendered := map[string]*entry{}
	if cur != nil {
		for _, e := range cur.posts {
			rendered[e.ts] = e
		}
	}
	list := make([]*entry, len(posts))
	for i := range posts {
		e, ok := rendered[posts[i].TS]
		if !ok || e.updated != posts[i].Updated {
			e = p.newEntry(&posts[i])
		}
		list[i] = e
	}
	byUpdated := slices.Clone(list)
	slices.SortFunc(byUpdated, func(a, b *entry) int { return cmp.Compare(a.updated, b.updated) })
	return newSnapshot(last, list, byUpdated, p.interval), nil
}
