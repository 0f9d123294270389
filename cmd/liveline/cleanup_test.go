package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// shareFirstFile returns a file_share message at ts that shares the first
// file of the file_share message in body again.
func shareFirstFile(t *testing.T, body []byte, ts string) []byte {
	t.Helper()
	var env map[string]any
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatal(err)
	}
	msg := env["event"].(map[string]any)
	msg["files"] = msg["files"].([]any)[:1]
	msg["text"] = "The count centre again."
	delete(msg, "blocks")
	msg["ts"], msg["event_ts"] = ts, ts
	return envelope(msg)
}

// imageStatus returns the status of GET src.
func (a *testApp) imageStatus(src string) int {
	a.t.Helper()
	resp, _ := a.get(src)
	return resp.StatusCode
}

// A deleted post's images are deleted from media_dir and the media index
// an hour after the delete. An image another live post shows stays.
func TestCleanup_DeletedPostImages(t *testing.T) {
	fake := newFakeSlack(t)
	clock := &testClock{now: time.Now()}
	app, logs := startSlackApp(t, fake, slackSetup{now: clock.Now})
	bodies := loadCase(t, "B16-image-files.json")
	const first, second, again = "1623321300.000100", "1623321360.000200", "1623321420.000300"
	const png = "/files-pri/T0TEST000-F0IMG0001/download/count-centre.png"
	for _, body := range bodies {
		app.sendTimed(body)
	}
	app.sendTimed(shareFirstFile(t, bodies[0], again))
	app.runJobs()
	u := app.updatesSince("C0LIVE01", "0")
	firstImages := images(u.Updates[first].Content)
	secondImages := images(u.Updates[second].Content)
	againImages := images(u.Updates[again].Content)
	if len(firstImages) != 3 || len(secondImages) != 1 || len(againImages) != 1 {
		t.Fatalf("images shown = %d, %d and %d, want 3, 1 and 1",
			len(firstImages), len(secondImages), len(againImages))
	}
	if firstImages[0].src != againImages[0].src {
		t.Fatalf("shared file shows as %s and %s, want one stored image",
			firstImages[0].src, againImages[0].src)
	}
	if res := app.runCleanup(); res.images != 0 {
		t.Errorf("cleanup with every image shown deleted %d", res.images)
	}

	app.sendTimed(deleteMessage("C0LIVE01", first, "1623321500.000100"))
	if res := app.runCleanup(); res.images != 0 {
		t.Errorf("cleanup at once after the delete deleted %d images", res.images)
	}
	clock.Advance(59 * time.Minute)
	if res := app.runCleanup(); res.images != 0 {
		t.Errorf("cleanup 59 minutes after the delete deleted %d images", res.images)
	}
	for _, img := range firstImages {
		if got := app.imageStatus(img.src); got != http.StatusOK {
			t.Errorf("GET %s within the grace period = %d, want 200", img.src, got)
		}
	}

	clock.Advance(2 * time.Minute)
	if res := app.runCleanup(); res.images != 2 {
		t.Errorf("cleanup an hour after the delete deleted %d images, want 2", res.images)
	}
	for _, img := range firstImages[1:] {
		if got := app.imageStatus(img.src); got != http.StatusNotFound {
			t.Errorf("GET %s of the deleted post = %d, want 404", img.src, got)
		}
		name := strings.TrimPrefix(img.src, "/media/")
		if _, err := os.Stat(filepath.Join(app.cfg.MediaDir, name)); !os.IsNotExist(err) {
			t.Errorf("%s is still in media_dir: %v", name, err)
		}
	}
	for _, src := range []string{firstImages[0].src, secondImages[0].src} {
		if got := app.imageStatus(src); got != http.StatusOK {
			t.Errorf("GET %s shown by a live post = %d, want 200", src, got)
		}
	}
	for _, fileID := range []string{"F0IMG0002", "F0IMG0003"} {
		pattern := `level=INFO msg="deleted unreferenced image" component=cleanup ` +
			`sha256=[0-9a-f]{64} file_name=[0-9a-f]{64}\.\w+ file_ids=` + fileID + ` file_id_count=1`
		if !regexp.MustCompile(pattern).MatchString(logs.String()) {
			t.Errorf("log has no deletion of %s:\n%s", fileID, logs)
		}
	}

	t.Run("shared image after its last post goes", func(t *testing.T) {
		app.sendTimed(deleteMessage("C0LIVE01", again, "1623321600.000100"))
		app.runCleanup()
		clock.Advance(time.Hour)
		if res := app.runCleanup(); res.images != 1 {
			t.Errorf("cleanup deleted %d images, want the shared one", res.images)
		}
		if got := app.imageStatus(firstImages[0].src); got != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", firstImages[0].src, got)
		}
	})
	t.Run("file shared again downloads again", func(t *testing.T) {
		downloads := fake.count(png)
		app.sendTimed(shareFirstFile(t, bodies[0], "1623321700.000100"))
		app.runJobs()
		if got := fake.count(png); got != downloads+1 {
			t.Errorf("downloads of the deleted image = %d, want %d", got, downloads+1)
		}
		content := app.updatesSince("C0LIVE01", "0").Updates["1623321700.000100"].Content
		shown := images(content)
		if len(shown) != 1 || app.imageStatus(shown[0].src) != http.StatusOK {
			t.Errorf("post sharing the file again = %s", content)
		}
	})
}

// An edit that drops an image and a later edit that shows it again keep
// the stored file.
func TestCleanup_EditReaddsImage(t *testing.T) {
	fake := newFakeSlack(t)
	clock := &testClock{now: time.Now()}
	app, _ := startSlackApp(t, fake, slackSetup{now: clock.Now})
	body := loadCase(t, "B16-image-files.json")[0]
	const id = "1623321300.000100"
	app.sendTimed(body)
	app.runJobs()
	shown := images(app.updatesSince("C0LIVE01", "0").Updates[id].Content)
	if len(shown) != 3 {
		t.Fatalf("post shows %d images, want 3", len(shown))
	}

	app.sendTimed(editMessage("C0LIVE01", id, "1623321400.000000", "No photos after all."))
	app.runCleanup()
	clock.Advance(30 * time.Minute)
	app.sendTimed(editFileShare(t, body, "1623321401.000000", "Photos are back."))
	app.runCleanup()
	clock.Advance(40 * time.Minute)
	if res := app.runCleanup(); res.images != 0 {
		t.Errorf("cleanup deleted %d images that an edit shows again", res.images)
	}
	for _, img := range shown {
		if got := app.imageStatus(img.src); got != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", img.src, got)
		}
	}
}

// Hide reactions on a message that never arrives are deleted a week after
// the message's ts, so the message shows if it arrives after all.
func TestCleanup_PrunesHideReactions(t *testing.T) {
	fake := newFakeSlack(t)
	clock := &testClock{now: time.Now()}
	app, _ := startSlackApp(t, fake, slackSetup{now: clock.Now})
	tsAt := func(at time.Time) string { return itoa(int(at.Unix())) + ".000100" }
	old := tsAt(clock.Now().Add(-8 * 24 * time.Hour))
	recent := tsAt(clock.Now().Add(-6 * 24 * time.Hour))
	app.mustSend(reaction("reaction_added", "C0LIVE01", old, "no_entry_sign"))
	app.mustSend(reaction("reaction_added", "C0LIVE01", recent, "no_entry_sign"))

	if res := app.runCleanup(); res.hideReactions != 1 {
		t.Errorf("cleanup deleted %d hide reactions, want 1", res.hideReactions)
	}
	app.mustSend(message("C0LIVE01", old, "Arrived late."))
	app.mustSend(message("C0LIVE01", recent, "Arrived late, still hidden."))
	for ts, want := range map[string]bool{old: false, recent: true} {
		p, err := app.db.Post(t.Context(), "C0LIVE01", ts)
		if err != nil {
			t.Fatal(err)
		}
		if p.Hidden != want {
			t.Errorf("post %s hidden = %v, want %v", ts, p.Hidden, want)
		}
	}
	if upd := app.updatesSince("C0LIVE01", "0").Updates[old]; !upd.Show {
		t.Errorf("message whose hide reaction was pruned = %+v, want shown", upd)
	}
}
