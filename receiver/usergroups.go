package receiver

import (
	"context"
	"fmt"
)

// UsergroupName returns the handle of a user group, such as
// "desk-editors", for render.Options.UsergroupName. It reads only the
// list in memory, which RefreshUsergroups fills.
func (w *Worker) UsergroupName(_ context.Context, id string) (string, bool) {
	handle, ok := w.usergroups.get(id)
	return handle, ok && handle != ""
}

// RefreshUsergroups reads usergroups.list when the list in memory is older
// than an hour. Without the usergroups:read scope the list stays
// empty and mentions of user groups without a label show "@group".
func (w *Worker) RefreshUsergroups(ctx context.Context) error {
	now := w.cfg.Now()
	if !w.usergroups.stale(now) {
		return nil
	}
	groups, err := w.slack.GetUserGroupsContext(ctx)
	if err != nil {
		w.usergroups.failed(now)
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
	w.usergroups.loaded(handles, now)
	w.log.Info("read user groups", "count", len(handles))
	return nil
}
