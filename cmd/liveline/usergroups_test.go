package main

import (
	"strings"
	"testing"
	"time"
)

// usergroupText sends a message mentioning S0DESK001 without a label and
// returns the text readers see.
func usergroupText(t *testing.T, app *testApp, ts string) string {
	t.Helper()
	app.sendTimed(message("C0LIVE01", ts, "Cc <!subteam^S0DESK001> on the count."))
	return app.currentText("C0LIVE01")[ts]
}

func TestServe_UsergroupNames(t *testing.T) {
	fake := newFakeSlack(t)
	clock := &testClock{now: time.Now()}
	app, _ := startSlackApp(t, fake, slackSetup{now: clock.Now})
	if got := usergroupText(t, app, "1623321097.000100"); got != "Cc @group on the count." {
		t.Errorf("text before the first read = %q, want the @group placeholder", got)
	}

	if err := app.worker.RefreshUsergroups(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := usergroupText(t, app, "1623321097.000200"); got != "Cc @desk-editors on the count." {
		t.Errorf("text after a read = %q, want the handle from usergroups.list", got)
	}

	clock.Advance(59 * time.Minute)
	if err := app.worker.RefreshUsergroups(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := fake.count("usergroups.list"); got != 1 {
		t.Errorf("usergroups.list calls = %d, want 1 within an hour", got)
	}
	clock.Advance(2 * time.Minute)
	if err := app.worker.RefreshUsergroups(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := fake.count("usergroups.list"); got != 2 {
		t.Errorf("usergroups.list calls = %d, want 2 after an hour", got)
	}
}

// Without usergroups:read the mention keeps its placeholder, and the
// list is read again after 5 minutes, not an hour.
func TestServe_UsergroupsMissingScope(t *testing.T) {
	fake := newFakeSlack(t)
	fake.usergroupsMissingScope = true
	clock := &testClock{now: time.Now()}
	app, _ := startSlackApp(t, fake, slackSetup{now: clock.Now})

	err := app.worker.RefreshUsergroups(t.Context())
	if err == nil || !strings.Contains(err.Error(), "usergroups:read") {
		t.Errorf("error = %v, want one naming the usergroups:read scope", err)
	}
	if got := usergroupText(t, app, "1623321098.000100"); got != "Cc @group on the count." {
		t.Errorf("text without the scope = %q, want the @group placeholder", got)
	}

	clock.Advance(4 * time.Minute)
	if err := app.worker.RefreshUsergroups(t.Context()); err != nil {
		t.Errorf("read before the retry delay: %v", err)
	}
	if got := fake.count("usergroups.list"); got != 1 {
		t.Errorf("usergroups.list calls = %d after 4 minutes, want 1", got)
	}

	fake.mu.Lock()
	fake.usergroupsMissingScope = false
	fake.mu.Unlock()
	clock.Advance(2 * time.Minute)
	if err := app.worker.RefreshUsergroups(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := fake.count("usergroups.list"); got != 2 {
		t.Errorf("usergroups.list calls = %d after 6 minutes, want 2", got)
	}
	if got := usergroupText(t, app, "1623321098.000200"); got != "Cc @desk-editors on the count." {
		t.Errorf("text after the scope was added = %q, want @desk-editors", got)
	}
}
