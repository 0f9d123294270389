package receiver

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// UsergroupMaxAge is how long the list of a workspace's user groups is
// used before usergroups.list is read again.
const UsergroupMaxAge = time.Hour

// usergroupRetryDelay is how long a failed usergroups.list waits before
// the next try.
const usergroupRetryDelay = 5 * time.Minute

// usergroupHandles is the workspace's user groups, id to handle, read from
// usergroups.list. The zero value is empty and ready to use.
type usergroupHandles struct {
	mu      sync.RWMutex
	handles map[string]string
	fetched time.Time
}

func (u *usergroupHandles) handle(id string) (string, bool) {
	u.mu.RLock()
	defer u.mu.RUnlock()
	handle, ok := u.handles[id]
	return handle, ok && handle != ""
}

func (u *usergroupHandles) stale(now time.Time) bool {
	u.mu.RLock()
	defer u.mu.RUnlock()
	return now.Sub(u.fetched) > UsergroupMaxAge
}

// markFetched sets the time of the last read, and replaces the handles
// unless handles is nil.
func (u *usergroupHandles) markFetched(handles map[string]string, now time.Time) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if handles != nil {
		u.handles = handles
	}
	u.fetched = now
}

// UsergroupName returns the handle of a user group, such as
// "desk-editors", for render.Options.UsergroupName. It reads only the
// list in memory, which RefreshUsergroups fills.
func (w *Worker) UsergroupName(_ context.Context, id string) (string, bool) {
	return w.usergroups.handle(id)
}

// RefreshUsergroups reads usergroups.list when the list in memory is older
// than UsergroupMaxAge. Without the usergroups:read scope the list stays
// empty and mentions of user groups without a label show "@group".
func (w *Worker) RefreshUsergroups(ctx context.Context) error {
	now := w.cfg.Now()
	if !w.usergroups.stale(now) {
		return nil
	}
	groups, err := w.slack.GetUserGroupsContext(ctx)
	if err != nil {
		// Keep the old list, and try again after usergroupRetryDelay
		// rather than a whole UsergroupMaxAge.
		w.usergroups.markFetched(nil, now.Add(usergroupRetryDelay-UsergroupMaxAge))
		if isSlackError(err, "missing_scope") {
			return fmt.Errorf("usergroups.list: %w (add the usergroups:read bot scope "+
				"and reinstall the app)", err)
		}
		return fmt.Errorf("usergroups.list: %w", err)
	}
	handles := make(map[string]string, len(groups))
	for _, g := range groups {
		handles[g.ID] = g.Handle
	}
	w.usergroups.markFetched(handles, now)
	w.log.Info("read user groups", "count", len(handles))
	return nil
}
