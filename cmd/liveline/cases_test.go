package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// loadCase reads a JSON array of Events API bodies, keeping each body's
// bytes exactly as stored.
func loadCase(t *testing.T, name string) []json.RawMessage {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "cases", name))
	if err != nil {
		t.Fatal(err)
	}
	var bodies []json.RawMessage
	if err := json.Unmarshal(data, &bodies); err != nil {
		t.Fatal(err)
	}
	return bodies
}

func wantPosts(t *testing.T, app *testApp, want map[string]string, order []string) {
	t.Helper()
	u := app.updatesSince("C0LIVE01", "0")
	if !slices.Equal(u.CurrentPosts, order) {
		t.Errorf("currentPosts = %q, want %q", u.CurrentPosts, order)
	}
	for id, text := range want {
		if got := bodyText(u.Updates[id].Content); got != text {
			t.Errorf("post %s text = %q, want %q", id, got, text)
		}
	}
}

func isEdited(t *testing.T, app *testApp, id string) bool {
	t.Helper()
	u := app.updatesSince("C0LIVE01", "0")
	return strings.Contains(u.Updates[id].Content, "liveline-edited")
}

// Slack retries a body byte for byte, and may deliver the same message
// again under a new event_id: the key is the message, not the event.
func TestCase_RetryAndRedelivery(t *testing.T) {
	app := startApp(t, "")
	bodies := loadCase(t, "B01-retry-duplicates.json")
	retry := http.Header{"X-Slack-Retry-Num": {"1"}, "X-Slack-Retry-Reason": {"http_timeout"}}
	headers := []http.Header{nil, retry, nil}
	var stamps []string
	for i, body := range bodies {
		if resp := app.send(body, headers[i]); resp.StatusCode != http.StatusOK {
			t.Fatalf("step %d answered %s, want 200", i+1, resp.Status)
		}
		stamps = append(stamps, app.lastUpdateAt("C0LIVE01"))
	}
	const id = "1623320001.000100"
	wantPosts(t, app, map[string]string{id: "Polls close at 10pm. Counting starts at 11pm in the main hall."},
		[]string{id})
	if h := app.handshake("C0LIVE01"); !slices.Equal(h.LivePosts, []string{id}) {
		t.Errorf("livePosts = %q", h.LivePosts)
	}
	if isEdited(t, app, id) {
		t.Errorf("redelivered post is marked edited")
	}
	if stamps[1] != stamps[0] || stamps[2] != stamps[0] {
		t.Errorf("duplicates moved the clock: %q", stamps)
	}
}

// A deletion names its target in deleted_ts; its own ts is the time of
// the deletion.
func TestCase_DeleteTargeting(t *testing.T) {
	app := startApp(t, "")
	bodies := loadCase(t, "B02-delete-targeting.json")
	for i, body := range bodies[:3] {
		if resp := app.send(body, nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("step %d answered %s", i+1, resp.Status)
		}
	}
	afterDelete := app.lastUpdateAt("C0LIVE01")
	for i, body := range bodies[3:] {
		if resp := app.send(body, nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("step %d answered %s", i+4, resp.Status)
		}
	}
	wantPosts(t, app, map[string]string{"1623320160.000300": "Turnout at noon: 24%."},
		[]string{"1623320160.000300"})
	if got := app.lastUpdateAt("C0LIVE01"); got != afterDelete {
		t.Errorf("repeated and unknown deletions moved the clock from %s to %s", afterDelete, got)
	}
}

// An edit that arrives before its message creates the post; the late
// original does not put the old text back.
func TestCase_EditBeforeCreate(t *testing.T) {
	app := startApp(t, "")
	bodies := loadCase(t, "B03-edit-before-create.json")
	const id = "1623320500.000100"
	const corrected = "Correction: the count resumes at 1am, not midnight."
	app.mustSend(bodies[0])
	wantPosts(t, app, map[string]string{id: corrected}, []string{id})
	if !isEdited(t, app, id) {
		t.Errorf("post created from an edit is not marked edited")
	}
	app.mustSend(bodies[1])
	wantPosts(t, app, map[string]string{id: corrected}, []string{id})
}

// Link previews arrive as message_changed without edited; they alter
// nothing, also for a bot post without a user.
func TestCase_UnfurlIsNotAnEdit(t *testing.T) {
	app := startApp(t, "")
	bodies := loadCase(t, "B04-unfurl-message-changed.json")
	var stamps []string
	for _, body := range bodies {
		app.mustSend(body)
		stamps = append(stamps, app.lastUpdateAt("C0LIVE01"))
	}
	wantPosts(t, app, map[string]string{
		"1623320600.000100": "Live results page is up: https://results.example.org/2021/ward-7",
		"1623320640.000300": "Ward 8 declared: https://results.example.org/2021/ward-8",
	}, []string{"1623320600.000100", "1623320640.000300"})
	if stamps[1] != stamps[0] || stamps[3] != stamps[2] {
		t.Errorf("unfurls moved the clock: %q", stamps)
	}
	u := app.updatesSince("C0LIVE01", "0")
	for _, id := range u.CurrentPosts {
		if strings.Contains(u.Updates[id].Content, "liveline-edited") {
			t.Errorf("post %s marked edited by an unfurl", id)
		}
	}
	if !strings.Contains(u.Updates["1623320640.000300"].Content, "Results Bot") {
		t.Errorf("bot post lost its author: %s", u.Updates["1623320640.000300"].Content)
	}
	if !strings.Contains(u.Updates["1623320600.000100"].Content,
		`href="https://results.example.org/2021/ward-7"`) {
		t.Errorf("link is not an anchor: %s", u.Updates["1623320600.000100"].Content)
	}
}

// Deleting a thread parent that has replies arrives as a message_changed
// whose message is a tombstone.
func TestCase_ThreadParentTombstone(t *testing.T) {
	app := startApp(t, "")
	bodies := loadCase(t, "B06-thread-parent-tombstone.json")
	app.mustSend(bodies[0])
	wantPosts(t, app, nil, []string{"1623320800.000100"})
	app.mustSend(bodies[1])
	wantPosts(t, app, nil, []string{"1623320800.000100"})
	app.mustSend(bodies[2])
	wantPosts(t, app, nil, []string{})
	for _, body := range bodies[3:] {
		app.mustSend(body)
	}
	u := app.updatesSince("C0LIVE01", "0")
	if len(u.CurrentPosts) != 0 || len(u.Updates) != 0 {
		t.Errorf("posts after tombstone = %q", u.CurrentPosts)
	}
}

// Thread replies stay off the page unless sent to the channel too; edits
// of an unpublished reply never create a post.
func TestCase_ThreadRepliesAndBroadcast(t *testing.T) {
	app := startApp(t, "")
	for _, body := range loadCase(t, "B07-thread-replies-and-broadcast.json") {
		app.mustSend(body)
	}
	const broadcast = "1623320950.000300"
	wantPosts(t, app, map[string]string{
		"1623320900.000100": "Ward 3 counting updates in this thread.",
		broadcast:           "Ward 3 final: 4,210 votes counted, turnout 42%.",
	}, []string{"1623320900.000100", broadcast})
	if !isEdited(t, app, broadcast) {
		t.Errorf("edited broadcast is not marked edited")
	}
}

// Slack ts values are ids: same-second messages stay apart and trailing
// zeros stay in the id.
func TestCase_TSPrecision(t *testing.T) {
	app := startApp(t, "")
	for _, body := range loadCase(t, "B15-ts-precision.json") {
		app.mustSend(body)
	}
	wantPosts(t, app, map[string]string{
		"1623321000.000100": "Ward 1 declared: 3,102 votes.",
		"1623321000.000200": "Ward 2 declared.",
		"1623321001.100000": "Ward 3 declared: 2,877 votes.",
	}, []string{"1623321000.000100", "1623321000.000200", "1623321001.100000"})
	h := app.handshake("C0LIVE01")
	want := []string{"1623321001.100000", "1623321000.000200", "1623321000.000100"}
	if !slices.Equal(h.LivePosts, want) {
		t.Errorf("livePosts = %q, want %q", h.LivePosts, want)
	}
	for _, id := range []string{"1623321000.000100", "1623321001.100000"} {
		if !isEdited(t, app, id) {
			t.Errorf("post %s not marked edited", id)
		}
	}
	if isEdited(t, app, "1623321000.000200") {
		t.Errorf("untouched post marked edited")
	}
}
