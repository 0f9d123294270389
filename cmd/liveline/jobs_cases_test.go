package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// rawTokens are Slack's markup that readers must never see.
var rawTokens = []string{"<@U0", "<!subteam", "<!here", "<!channel", "<#C0", "<!date", "U0GONE99",
	"U0TEST02", "S0DESK002"}

// Mentions render from the name cache at once, with placeholders, and
// the lookup jobs fill in names from users.info and conversations.info.
func TestCase_MentionNamesFromSlack(t *testing.T) {
	fake := newFakeSlack(t)
	app, _ := startSlackApp(t, fake, slackSetup{})
	body := loadCase(t, "B13-mentions-and-special.json")[0]
	const id = "1623321080.000100"

	app.sendTimed(body)
	if n := fake.count("users.info") + fake.count("conversations.info"); n != 0 {
		t.Errorf("event path made %d Web API calls, want 0", n)
	}
	before := app.lastUpdateAt("C0LIVE01")
	if got := app.currentText("C0LIVE01")[id]; !strings.Contains(got, "@unknown user and @unknown user") {
		t.Errorf("text before lookups = %q, want placeholders", got)
	}

	if ran := app.runJobs(); ran == 0 {
		t.Fatalf("no jobs ran")
	}
	want := "@Reporter Two and @Editor Three please confirm the Ward 5 figures. " +
		"Cc @desk-editors @group @here @channel\n" +
		"Background in #elections-desk and #count-centre.\n" +
		"Deadline: Thursday, June 10th, 2021 at 1:00 PM\n" +
		"Also ask @unknown user."
	u := app.updatesSince("C0LIVE01", "0")
	content := u.Updates[id].Content
	if got := bodyText(content); got != want {
		t.Errorf("text = %q\nwant   %q", got, want)
	}
	for _, tok := range rawTokens {
		if strings.Contains(content, tok) {
			t.Errorf("content shows raw %q: %s", tok, content)
		}
	}
	if !strings.Contains(content, "Reporter One") {
		t.Errorf("author is not the name from users.info: %s", content)
	}
	if after := app.lastUpdateAt("C0LIVE01"); after == before {
		t.Errorf("clock stayed at %s after names resolved", after)
	}

	// A redelivery renders from the cache and calls Slack no more.
	calls := fake.count("users.info")
	app.mustSend(body)
	app.runJobs()
	if got := fake.count("users.info"); got != calls {
		t.Errorf("users.info calls after redelivery = %d, want %d", got, calls)
	}
}

// user_name: display_name shows Slack handles, falling back to the real
// name.
func TestCase_DisplayNameOption(t *testing.T) {
	fake := newFakeSlack(t)
	app, _ := startSlackApp(t, fake, slackSetup{userName: UserNameDisplay})
	app.sendTimed(loadCase(t, "B13-mentions-and-special.json")[0])
	app.runJobs()
	got := app.currentText("C0LIVE01")["1623321080.000100"]
	if !strings.HasPrefix(got, "@reporter.two and @Editor Three ") {
		t.Errorf("text = %q, want display name reporter.two and real name Editor Three", got)
	}
}

// A name older than a day is looked up again; the stale one stays shown
// until then.
func TestCase_NamesRefreshAfterADay(t *testing.T) {
	fake := newFakeSlack(t)
	clock := &testClock{now: time.Now()}
	app, _ := startSlackApp(t, fake, slackSetup{now: clock.Now})
	app.sendTimed(message("C0LIVE01", "1623321090.000100", "Ask <@U0TEST02>."))
	app.runJobs()
	calls := fake.count("users.info")

	clock.Advance(25 * time.Hour)
	app.sendTimed(message("C0LIVE01", "1623321091.000100", "Thanks <@U0TEST02>."))
	if got := app.currentText("C0LIVE01")["1623321091.000100"]; got != "Thanks @Reporter Two." {
		t.Errorf("text with a stale name = %q", got)
	}
	app.runJobs()
	if got := fake.count("users.info"); got <= calls {
		t.Errorf("users.info calls = %d after a day, want more than %d", got, calls)
	}
}

var imgPattern = regexp.MustCompile(`<img src="(/media/[0-9a-f]{64}\.(png|jpg|gif|webp))" alt="([^"]*)"(?: width="(\d+)" height="(\d+)")?`)

type shownImage struct {
	src, ext, alt, size string
}

func images(content string) []shownImage {
	var out []shownImage
	for _, m := range imgPattern.FindAllStringSubmatch(content, -1) {
		size := ""
		if m[4] != "" {
			size = m[4] + "x" + m[5]
		}
		out = append(out, shownImage{src: m[1], ext: m[2], alt: m[3], size: size})
	}
	return out
}

// Image files are downloaded with the bot token after the event is
// acknowledged, stored by content hash and served by Liveline.
func TestCase_ImageFiles(t *testing.T) {
	fake := newFakeSlack(t)
	app, _ := startSlackApp(t, fake, slackSetup{})
	bodies := loadCase(t, "B16-image-files.json")
	const first, second = "1623321300.000100", "1623321360.000200"
	for _, body := range bodies {
		app.sendTimed(body)
	}
	if n := fake.count("files.info"); n != 0 {
		t.Errorf("event path called files.info %d times, want 0", n)
	}
	text := app.currentText("C0LIVE01")
	if got := text[first]; got != "Photos from the count centre, plus the provisional sheet.provisional-results.pdf" {
		t.Errorf("first post before downloads = %q", got)
	}
	if got := text[second]; got != "Photo from our partner newsroom at the Ward 2 count." {
		t.Errorf("second post before downloads = %q", got)
	}

	app.runJobs()
	u := app.updatesSince("C0LIVE01", "0")
	got := images(u.Updates[first].Content)
	want := []shownImage{
		{ext: "png", alt: "count-centre.png", size: "1600x900"},
		{ext: "jpg", alt: "IMG_2041.HEIC", size: "768x1024"},
		{ext: "gif", alt: "queue.gif", size: "40x30"},
	}
	if len(got) != len(want) {
		t.Fatalf("first post shows %d images, want %d: %s", len(got), len(want), u.Updates[first].Content)
	}
	for i := range want {
		if got[i].ext != want[i].ext || got[i].alt != want[i].alt || got[i].size != want[i].size {
			t.Errorf("image %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if !strings.Contains(u.Updates[first].Content, `<div class="liveline-file">provisional-results.pdf</div>`) {
		t.Errorf("PDF is not a named placeholder: %s", u.Updates[first].Content)
	}
	ext := images(u.Updates[second].Content)
	if len(ext) != 1 || ext[0].size != "640x480" || ext[0].alt != "Ward 2 count" {
		t.Errorf("shared-channel file after files.info = %+v", ext)
	}

	t.Run("served with immutable caching", func(t *testing.T) {
		resp, body := app.get(got[0].src)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s answered %s", got[0].src, resp.Status)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "image/png" {
			t.Errorf("Content-Type = %q, want image/png", ct)
		}
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("Cache-Control = %q, want immutable", cc)
		}
		want := fake.files["/files-pri/T0TEST000-F0IMG0001/download/count-centre.png"]
		if string(body) != string(want) {
			t.Errorf("served %d bytes, want the %d downloaded", len(body), len(want))
		}
	})
	t.Run("page never references Slack files", func(t *testing.T) {
		_, page := app.get("/live/election")
		if strings.Contains(string(page), "files.slack.com") || strings.Contains(string(page), "slack-files.com") {
			t.Errorf("reader page references Slack's file servers")
		}
		if !strings.Contains(string(page), "/media/") {
			t.Errorf("reader page shows no stored image")
		}
		raw, _ := json.Marshal(app.updatesSince("C0LIVE01", "0"))
		if strings.Contains(string(raw), "files.slack.com") {
			t.Errorf("updates reference files.slack.com")
		}
	})
	t.Run("edit downloads nothing again", func(t *testing.T) {
		downloads := fake.count("/files-pri/T0TEST000-F0IMG0001/download/count-centre.png")
		app.sendTimed(editFileShare(t, bodies[0], "1623321400.000000", "Photos from the count centre (corrected)."))
		app.runJobs()
		if got := fake.count("/files-pri/T0TEST000-F0IMG0001/download/count-centre.png"); got != downloads {
			t.Errorf("downloads after edit = %d, want %d", got, downloads)
		}
		content := app.updatesSince("C0LIVE01", "0").Updates[first].Content
		if !strings.Contains(content, "(corrected)") || len(images(content)) != 3 {
			t.Errorf("edited post = %s", content)
		}
	})
}

// editFileShare returns a message_changed body for the file_share message
// in body, with new text.
func editFileShare(t *testing.T, body []byte, editedTS, text string) []byte {
	t.Helper()
	var env map[string]any
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatal(err)
	}
	msg := env["event"].(map[string]any)
	msg["text"] = text
	delete(msg, "blocks")
	msg["edited"] = map[string]any{"user": "U0TEST01", "ts": editedTS}
	return envelope(map[string]any{
		"type": "message", "subtype": "message_changed", "hidden": true, "channel": "C0LIVE01",
		"ts": editedTS, "event_ts": editedTS, "channel_type": "channel", "message": msg,
	})
}

// A sign-in page instead of image bytes fails the download: nothing is
// stored, the failure names the file, and the other images still show.
func TestCase_SignInPageIsNotAnImage(t *testing.T) {
	fake := newFakeSlack(t)
	fake.revoke("/files-pri/T0TEST000-F0IMG0001/download/count-centre.png")
	fake.extFileMissing = true
	app, logs := startSlackApp(t, fake, slackSetup{})
	for _, body := range loadCase(t, "B16-image-files.json") {
		app.sendTimed(body)
	}
	app.runJobs()

	u := app.updatesSince("C0LIVE01", "0")
	first := images(u.Updates["1623321300.000100"].Content)
	if len(first) != 2 || first[0].ext != "jpg" || first[1].ext != "gif" {
		t.Errorf("images with the PNG revoked = %+v, want the HEIC thumbnail and the GIF", first)
	}
	if got := bodyText(u.Updates["1623321360.000200"].Content); got != "Photo from our partner newsroom at the Ward 2 count." {
		t.Errorf("post whose file is not found = %q", got)
	}
	if !regexp.MustCompile(`level=WARN msg="job failed; will retry".*file_id=F0IMG0001.*text/html`).MatchString(logs.String()) {
		t.Errorf("log has no retry for F0IMG0001 naming the HTML content:\n%s", logs)
	}
	if !regexp.MustCompile(`level=ERROR msg="gave up job.*file_id=F0EXT0005`).MatchString(logs.String()) {
		t.Errorf("log has no error for the missing F0EXT0005:\n%s", logs)
	}
	entries, _ := os.ReadDir(app.cfg.MediaDir)
	for _, e := range entries {
		data, _ := os.ReadFile(filepath.Join(app.cfg.MediaDir, e.Name()))
		if strings.Contains(string(data), "Sign in") {
			t.Errorf("stored the sign-in page as %s", e.Name())
		}
	}
}

// Queued downloads survive a restart and run after it.
func TestJobs_RestartRunsQueuedDownloads(t *testing.T) {
	fake := newFakeSlack(t)
	app, _ := startSlackApp(t, fake, slackSetup{})
	app.sendTimed(loadCase(t, "B16-image-files.json")[0])
	dbPath := app.dbPath
	app.stop()

	restarted, _ := startSlackApp(t, fake, slackSetup{dbPath: dbPath})
	if got := fake.count("/files-pri/T0TEST000-F0IMG0001/download/count-centre.png"); got != 0 {
		t.Fatalf("downloaded %d times before the restart", got)
	}
	restarted.runJobs()
	for _, path := range []string{"/files-pri/T0TEST000-F0IMG0001/download/count-centre.png",
		"/files-tmb/T0TEST000-F0IMG0002-9f8e7d6c5b/img_2041_1024.jpg",
		"/files-pri/T0TEST000-F0IMG0003/download/queue.gif"} {
		if got := fake.count(path); got != 1 {
			t.Errorf("downloads of %s after the restart = %d, want 1", path, got)
		}
	}
	content := restarted.updatesSince("C0LIVE01", "0").Updates["1623321300.000100"].Content
	if n := len(images(content)); n != 3 {
		t.Errorf("post shows %d images after the restart, want 3", n)
	}
}

// A download that keeps failing is retried with growing delays, then
// given up with an error log; the post stays readable.
func TestJobs_GiveUpAfterMaxAttempts(t *testing.T) {
	fake := newFakeSlack(t)
	fake.revoke("/files-pri/T0TEST000-F0IMG0003/download/queue.gif")
	clock := &testClock{now: time.Now()}
	app, logs := startSlackApp(t, fake, slackSetup{maxAttempts: 3, now: clock.Now})
	app.sendTimed(loadCase(t, "B16-image-files.json")[0])
	const gif = "/files-pri/T0TEST000-F0IMG0003/download/queue.gif"

	app.runJobs()
	if got := fake.count(gif); got != 1 {
		t.Fatalf("GIF downloads = %d, want 1", got)
	}
	clock.Advance(5 * time.Second)
	if app.runJobs() != 0 {
		t.Errorf("a job ran before its retry delay of 10s")
	}
	clock.Advance(10 * time.Second)
	app.runJobs()
	clock.Advance(20 * time.Second)
	app.runJobs()
	if got := fake.count(gif); got != 3 {
		t.Errorf("GIF downloads = %d, want 3 attempts", got)
	}
	clock.Advance(time.Hour)
	if ran := app.runJobs(); ran != 0 {
		t.Errorf("ran %d jobs after giving up, want 0", ran)
	}
	pattern := `level=ERROR msg="gave up job; the post stays without it".*file_id=F0IMG0003 ` +
		`channel_id=C0LIVE01 slack_ts=1623321300.000100 attempts=3`
	if !regexp.MustCompile(pattern).MatchString(logs.String()) {
		t.Errorf("log has no give-up error for F0IMG0003:\n%s", logs)
	}
	content := app.updatesSince("C0LIVE01", "0").Updates["1623321300.000100"].Content
	if !strings.Contains(bodyText(content), "Photos from the count centre") || len(images(content)) != 2 {
		t.Errorf("post after giving up = %s", content)
	}
}

// testClock is a settable clock for the job worker.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestServe_Avatars(t *testing.T) {
	tests := []struct {
		name    string
		avatars bool
		want    bool
	}{
		{"shown when configured", true, true},
		{"absent by default", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFakeSlack(t)
			app, _ := startSlackApp(t, fake, slackSetup{avatars: tt.avatars})
			app.sendTimed(message("C0LIVE01", "1623321095.000100", "Counting resumes."))
			app.runJobs()
			content := app.updatesSince("C0LIVE01", "0").Updates["1623321095.000100"].Content
			img := `<img class="liveline-avatar" src="https://avatars.example.org/U0TEST01-48.png"`
			if got := strings.Contains(content, img); got != tt.want {
				t.Errorf("avatar shown = %v, want %v: %s", got, tt.want, content)
			}
			if !strings.Contains(content, "Reporter One") {
				t.Errorf("author name missing: %s", content)
			}
		})
	}
}

func TestServe_CustomEmoji(t *testing.T) {
	fake := newFakeSlack(t)
	app, _ := startSlackApp(t, fake, slackSetup{})
	if err := app.worker.RefreshEmoji(t.Context()); err != nil {
		t.Fatal(err)
	}
	app.sendTimed(message("C0LIVE01", "1623321096.000100", "Declared :partyparrot: :fastparrot: :loopy: :nosuch: :tada:"))
	content := app.updatesSince("C0LIVE01", "0").Updates["1623321096.000100"].Content
	if n := strings.Count(content, `src="https://emoji.example.org/partyparrot.gif"`); n != 2 {
		t.Errorf("custom emoji images = %d, want 2 (the emoji and its alias): %s", n, content)
	}
	text := bodyText(content)
	for _, want := range []string{":loopy:", ":nosuch:", "🎉"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q: %q", want, text)
		}
	}
	if err := app.worker.RefreshEmoji(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := fake.count("emoji.list"); got != 1 {
		t.Errorf("emoji.list calls = %d, want 1 within an hour", got)
	}
}
