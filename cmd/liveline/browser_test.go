package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/liveline/liveline/bridge"
	"github.com/liveline/liveline/receiver/render"
)

const (
	// browserPollingInterval is the widget's interval in browser tests.
	browserPollingInterval = 200 * time.Millisecond
	// appearWithin bounds how long a new post may take to show: one
	// interval, plus time for the HEAD and GET requests and for Chromium
	// timers on a busy machine.
	appearWithin = browserPollingInterval + 800*time.Millisecond
	// domTimeout bounds every other wait on the page.
	domTimeout = 15 * time.Second
)

// chromiumNames are the executables tried, in order, when
// LIVELINE_CHROMIUM does not name one.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"}

// findChromium returns the browser to test with. Outside CI a missing
// browser skips the test; in CI (CI set) it fails it.
func findChromium(t *testing.T) string {
	t.Helper()
	if path := os.Getenv("LIVELINE_CHROMIUM"); path != "" {
		return path
	}
	for _, name := range chromiumNames {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	msg := "no Chromium found: install it (apt-get install chromium) or set LIVELINE_CHROMIUM"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// newBrowser starts a headless Chromium with a fresh profile and returns
// a context for one tab. The flags keep Chromium off the network except
// for the pages a test opens.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(findChromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// startBrowserApp starts Liveline on addr with a short polling interval.
// dir names Slack users; nil shows placeholders. configure, when given,
// changes the config before it is validated.
func startBrowserApp(t *testing.T, dbPath, addr string, dir render.Directory,
	configure ...func(*Config)) *testApp {
	t.Helper()
	cfg := testConfig(t, tempDB(t, dbPath))
	cfg.Listen = addr
	cfg.PollingInterval = browserPollingInterval.String()
	for _, f := range configure {
		f(cfg)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	return launchApp(t, cfg, appLaunch{log: log, dir: dir})
}

// newsArticle is a news site's article page that embeds two widgets, for
// two channels, from Liveline at %[1]s.
const newsArticle = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Election night: results as they come in - The Daily Ledger</title>
<style>
body { margin: 0; font: 18px/1.6 Georgia, "Times New Roman", serif; color: #222; background: #fff; }
.masthead { padding: .9rem 1.5rem; border-bottom: 3px solid #111; font: 700 1.6rem/1 Georgia, serif; letter-spacing: -.02em; }
.masthead small { font: 400 .8rem system-ui, sans-serif; color: #666; margin-left: 1rem; }
article { max-width: 40rem; margin: 2rem auto; padding: 0 1.25rem; }
h1 { font-size: 2.1rem; line-height: 1.15; margin: 0 0 .5rem; }
.standfirst { font-size: 1.15rem; color: #555; margin: 0 0 1.5rem; }
.liveline-box { margin: 1.5rem 0; padding: 0 1rem .5rem; border: 1px solid #ddd; border-radius: .5rem;
  --liveline-font: system-ui, sans-serif; --liveline-accent: #0b5cad; }
.liveline-box h2 { font: 700 1rem system-ui, sans-serif; text-transform: uppercase; letter-spacing: .06em; color: #0b5cad; }
.tail { height: 3000px; }
</style></head>
<body>
<div class="masthead">The Daily Ledger <small>Politics</small></div>
<article>
<h1>Election night: results as they come in</h1>
<p class="standfirst">Counting is under way across the region. Our reporters at the civic centre follow every declaration.</p>
<section class="liveline-box"><h2>Live updates</h2>
<div id="main-live" data-liveline-channel="C0LIVE01"></div></section>
<section class="liveline-box"><h2>Budget day</h2>
<div id="budget-live" data-liveline-channel="C0LIVE02"></div></section>
<div class="tail"></div>
</article>
<script src="%[1]s/widget.js" async></script>
</body></html>`

// startNewsSite serves newsArticle from a second origin on 127.0.0.1.
func startNewsSite(t *testing.T, livelineURL string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, newsArticle, livelineURL)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// page drives one browser tab.
type page struct {
	t   *testing.T
	ctx context.Context
}

// on returns the tab for subtest t, so a failed check stops only t.
func (p *page) on(t *testing.T) *page {
	return &page{t: t, ctx: p.ctx}
}

func (p *page) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		p.t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression that returns a JSON value.
func eval[T any](p *page, expression string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expression))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", expression, err)
	}
	return v
}

// waitFor polls a JavaScript condition until it is true or timeout
// passes, and returns how long it took.
func (p *page) waitFor(what, condition string, timeout time.Duration) time.Duration {
	p.t.Helper()
	start := time.Now()
	for {
		ok, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool]("!!("+condition+")"))
		if err != nil {
			p.t.Fatalf("evaluate %s: %v", condition, err)
		}
		if ok {
			return time.Since(start)
		}
		if time.Since(start) > timeout {
			p.t.Fatalf("timed out after %s waiting for %s (%s)", timeout, what, condition)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// postSelector returns a CSS selector for post ts inside the widget root.
func postSelector(root, ts string) string {
	return root + ` [data-post-id="` + ts + `"]`
}

func query(selector string) string {
	return "document.querySelector(" + strconv.Quote(selector) + ")"
}

// reactionAdded returns an event_callback body for a reaction on ts.
func reactionAdded(channel, ts, reaction string) []byte {
	now := strconv.FormatInt(time.Now().Unix(), 10) + ".000100"
	return envelope(map[string]any{
		"type": "reaction_added", "user": "U0TEST01", "reaction": reaction,
		"item_user": "U0TEST01", "event_ts": now,
		"item": map[string]any{"type": "message", "channel": channel, "ts": ts},
	})
}

// nextTS returns Slack message ts values a second apart, starting a
// minute ago, so posts sort in the order a test sends them.
func nextTS() func() string {
	base := time.Now().Add(-time.Minute).Unix()
	n := 0
	return func() string {
		n++
		return strconv.FormatInt(base+int64(n), 10) + ".000" + fmt.Sprintf("%03d", n)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestBrowser_EmbeddedWidget(t *testing.T) {
	ctx := newBrowser(t)
	app := startBrowserApp(t, "", "127.0.0.1:0", nil)
	news := startNewsSite(t, app.url)
	p := &page{t: t, ctx: ctx}
	ts := nextTS()
	const main, budget = "#main-live", "#budget-live"

	p.do(chromedp.Navigate(news.URL))
	p.waitFor("both widgets to start", query(main+" .liveline-posts")+" && "+
		query(budget+" .liveline-posts"), domTimeout)
	p.waitFor("the style sheet", `document.querySelectorAll("#liveline-style").length === 1`, domTimeout)

	first := ts()
	t.Run("new post appears within one interval", func(t *testing.T) {
		p := p.on(t)
		app.mustSend(message("C0LIVE01", first, "Polls are now closed."))
		took := p.waitFor("the first post", query(postSelector(main, first)), domTimeout)
		if took > appearWithin {
			t.Errorf("post appeared after %s, want within %s", took, appearWithin)
		}
		if got := eval[int](p, `document.querySelectorAll("#budget-live [data-post-id]").length`); got != 0 {
			t.Errorf("the other channel's widget shows %d posts, want 0", got)
		}
	})

	t.Run("post has permalink and relative time", func(t *testing.T) {
		p := p.on(t)
		post := query(postSelector(main, first))
		href := eval[string](p, post+`.querySelector("a.liveline-permalink").getAttribute("href")`)
		if want := "#post-" + first; href != want {
			t.Errorf("permalink href = %q, want %q", href, want)
		}
		got := eval[string](p, post+`.querySelector("time.liveline-created").textContent`)
		want := eval[string](p, `new Intl.RelativeTimeFormat(navigator.languages, {numeric: "auto"}).format(-1, "minute")`)
		if got != want {
			t.Errorf("relative time = %q, want %q", got, want)
		}
		if title := eval[string](p, post+`.querySelector("time.liveline-created").title`); title == "" {
			t.Error("time element has no title with the exact time")
		}
		if live := eval[string](p, query(main+" .liveline-posts")+`.getAttribute("aria-live")`); live != "polite" {
			t.Errorf("post list aria-live = %q, want polite", live)
		}
	})

	second := ts()
	app.mustSend(message("C0LIVE01", second, "Turnout reached 61%."))
	p.waitFor("the second post", query(postSelector(main, second)), domTimeout)

	t.Run("edit replaces post in place", func(t *testing.T) {
		p := p.on(t)
		app.mustSend(editMessage("C0LIVE01", first, ts(), "Polls closed at 10pm sharp."))
		post := query(postSelector(main, first))
		p.waitFor("the edited text", post+`.textContent.includes("10pm sharp")`, domTimeout)
		ids := eval[[]string](p, `[...document.querySelectorAll("#main-live [data-post-id]")].map(e => e.dataset.postId)`)
		if want := []string{second, first}; mustJSON(t, ids) != mustJSON(t, want) {
			t.Errorf("post order after edit = %v, want %v", ids, want)
		}
		if !eval[bool](p, post+`.querySelector(".liveline-edited") !== null`) {
			t.Error("edited post does not say it was edited")
		}
	})

	t.Run("media URLs are absolute", func(t *testing.T) {
		p := p.on(t)
		imageTS := ts()
		_, err := app.db.Apply(context.Background(), bridge.Change{
			Op: bridge.OpUpsert, ChannelID: "C0LIVE01", TS: imageTS,
			Post: &bridge.Post{ChannelID: "C0LIVE01", TS: imageTS, Version: imageTS,
				Blocks: []bridge.Block{{Type: bridge.BlockImage, URL: "/media/0123456789abcdef0123456789abcdef.png",
					Alt: "Counting in the main hall", Width: 800, Height: 450}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		img := query(postSelector(main, imageTS) + " img")
		p.waitFor("the image post", img, domTimeout)
		if got, want := eval[string](p, img+`.getAttribute("src")`), app.url+"/media/0123456789abcdef0123456789abcdef.png"; got != want {
			t.Errorf("img src = %q, want %q", got, want)
		}
		if got := eval[string](p, img+`.getAttribute("loading")`); got != "lazy" {
			t.Errorf("img loading = %q, want lazy", got)
		}
		if got := eval[string](p, img+`.getAttribute("width")`); got != "800" {
			t.Errorf("img width = %q, want 800", got)
		}
	})

	t.Run("deletion removes post", func(t *testing.T) {
		p := p.on(t)
		app.mustSend(deleteMessage("C0LIVE01", second, ts()))
		p.waitFor("the deleted post to go", "!"+query(postSelector(main, second)), domTimeout)
	})

	t.Run("hidden post stays hidden", func(t *testing.T) {
		p := p.on(t)
		app.mustSend(reactionAdded("C0LIVE01", first, "no_entry_sign"))
		p.waitFor("the hidden post to go", "!"+query(postSelector(main, first)), domTimeout)

		// A later post proves the widget kept polling after the hide.
		later := ts()
		app.mustSend(message("C0LIVE01", later, "Recount requested in ward 4."))
		p.waitFor("the later post", query(postSelector(main, later)), domTimeout)
		if eval[bool](p, query(postSelector(main, first))+" !== null") {
			t.Error("hidden post came back")
		}
	})

	t.Run("new updates button while scrolled", func(t *testing.T) {
		p := p.on(t)
		p.do(chromedp.Evaluate[chromedp.Void](
			`window.scrollTo(0, document.querySelector("#main-live").getBoundingClientRect().top + scrollY + 150)`))
		p.waitFor("the reader to be scrolled in", query(main)+".getBoundingClientRect().top < 0", domTimeout)

		queued := ts()
		app.mustSend(message("C0LIVE01", queued, "The first result is in."))
		button := query(main + " .liveline-new")
		p.waitFor("the new-updates button", "!"+button+".hidden", domTimeout)
		if got := eval[string](p, button+".textContent"); got != "1 new update" {
			t.Errorf("button text = %q, want %q", got, "1 new update")
		}
		if eval[bool](p, query(postSelector(main, queued))+" !== null") {
			t.Error("new post was inserted while the reader was scrolled in")
		}

		p.do(chromedp.Focus(chromedp.CSS(main+" .liveline-new")), chromedp.KeyEvent("\r"))
		p.waitFor("the queued post", query(postSelector(main, queued)), domTimeout)
		if !eval[bool](p, button+".hidden") {
			t.Error("button still shown after it was pressed")
		}
		if !eval[bool](p, `document.activeElement === `+query(postSelector(main, queued))) {
			t.Error("focus did not move to the new post")
		}
	})

	t.Run("permalink opens post", func(t *testing.T) {
		p := p.on(t)
		target := eval[string](p, query(main+" [data-post-id]:last-child")+".dataset.postId")
		p.do(chromedp.Navigate("about:blank"), chromedp.Navigate(news.URL+"#post-"+target))
		post := query(postSelector(main, target))
		p.waitFor("the permalinked post at the top of the view",
			post+" && Math.abs("+post+".getBoundingClientRect().top) < 80", domTimeout)
	})
}

func TestBrowser_WidgetRecovers(t *testing.T) {
	ctx := newBrowser(t)
	app := startBrowserApp(t, "", "127.0.0.1:0", nil)
	addr := app.listener.Addr().String()
	news := startNewsSite(t, app.url)
	p := &page{t: t, ctx: ctx}
	ts := nextTS()
	const main = "#main-live"

	before := ts()
	app.mustSend(message("C0LIVE01", before, "Counting has started."))
	p.do(chromedp.Navigate(news.URL))
	p.waitFor("the first post", query(postSelector(main, before)), domTimeout)

	app.stop()
	note := query(main + " .liveline-note")
	p.waitFor("the reconnecting note", note+" && !"+note+".hidden", domTimeout)

	restarted := startBrowserApp(t, app.dbPath, addr, nil)
	after := ts()
	restarted.mustSend(message("C0LIVE01", after, "Back online: ward 2 declared."))
	p.waitFor("the post sent after the restart", query(postSelector(main, after)), 45*time.Second)
	if !eval[bool](p, note+".hidden") {
		t.Error("reconnecting note still shown after recovery")
	}
	if !eval[bool](p, query(postSelector(main, before))+" !== null") {
		t.Error("post from before the outage is gone")
	}
}

func TestBrowser_ReaderPage(t *testing.T) {
	ctx := newBrowser(t)
	app := startBrowserApp(t, "", "127.0.0.1:0", nil)
	p := &page{t: t, ctx: ctx}
	ts := nextTS()
	root := `[data-liveline-channel=C0LIVE01]`

	rendered := ts()
	app.mustSend(message("C0LIVE01", rendered, "Rendered by the server."))
	p.do(chromedp.Navigate(app.url + "/live/election"))
	p.waitFor("the rendered post", query(postSelector(root, rendered)), domTimeout)
	p.waitFor("the widget to decorate it", query(postSelector(root, rendered)+" a.liveline-permalink"),
		domTimeout)
	if got := eval[int](p, `document.querySelectorAll("#liveline-style").length`); got != 1 {
		t.Errorf("page has %d widget style sheets, want 1", got)
	}

	live := ts()
	app.mustSend(message("C0LIVE01", live, "Arrived while the page was open."))
	p.waitFor("the live post", query(postSelector(root, live)), domTimeout)
	if got := eval[int](p, `document.querySelectorAll("`+root+` [data-post-id]").length`); got != 2 {
		t.Errorf("page shows %d posts, want 2 (no post drawn twice)", got)
	}
	if !eval[bool](p, `document.querySelector(".liveline-empty") === null`) {
		t.Error("empty-page note still shown")
	}
}

// TestBrowser_Screenshots writes docs/reader-page.png and
// docs/embedded-widget.png from the demo transcript. It runs only when
// LIVELINE_SCREENSHOTS names the folder to write to.
func TestBrowser_Screenshots(t *testing.T) {
	dir := os.Getenv("LIVELINE_SCREENSHOTS")
	if dir == "" {
		t.Skip("set LIVELINE_SCREENSHOTS to a folder, such as ../../docs, to write screenshots")
	}
	ctx := newBrowser(t)
	app := startBrowserApp(t, "", "127.0.0.1:0", demoDirectory{}, func(cfg *Config) {
		cfg.Channels[0].Title = "Election night live"
		cfg.Channels[0].Description = "Results, reaction and analysis from the count, as it happens."
	})
	replayDemo(t, app, "C0LIVE01")
	p := &page{t: t, ctx: ctx}
	root := `[data-liveline-channel=C0LIVE01]`

	p.do(chromedp.EmulateViewport(1000, 1300), chromedp.Navigate(app.url+"/live/election"))
	p.waitFor("decorated posts", query(root+" a.liveline-permalink"), domTimeout)
	writeScreenshot(t, p, filepath.Join(dir, "reader-page.png"))

	news := startNewsSite(t, app.url)
	p.do(chromedp.Navigate(news.URL))
	p.waitFor("the embedded posts", query("#main-live a.liveline-permalink"), domTimeout)
	writeScreenshot(t, p, filepath.Join(dir, "embedded-widget.png"))
}

// replayDemo sends the demo transcript to channel, timed so that its last
// event happened two minutes ago.
func replayDemo(t *testing.T, app *testApp, channel string) {
	t.Helper()
	var events []json.RawMessage
	if err := json.Unmarshal(demoTranscript, &events); err != nil {
		t.Fatal(err)
	}
	var last struct {
		EventTime int64 `json:"event_time"`
	}
	if err := json.Unmarshal(events[len(events)-1], &last); err != nil {
		t.Fatal(err)
	}
	clock := newDemoClock()
	clock.shift = time.Now().Add(-2*time.Minute).Unix() - last.EventTime
	for _, raw := range events {
		body, err := clock.retime(raw, channel)
		if err != nil {
			t.Fatal(err)
		}
		app.mustSend(body)
	}
}

func writeScreenshot(t *testing.T, p *page, path string) {
	t.Helper()
	png, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", path)
}

// An operator slows readers down by changing polling_interval and
// restarting; widgets follow from the next HEAD, with no post changing
// and no reload.
func TestBrowser_WidgetFollowsNewInterval(t *testing.T) {
	ctx := newBrowser(t)
	app := startBrowserApp(t, "", "127.0.0.1:0", nil)
	addr := app.listener.Addr().String()
	news := startNewsSite(t, app.url)
	p := &page{t: t, ctx: ctx}
	const main = "#main-live"
	first := nextTS()()
	app.mustSend(message("C0LIVE01", first, "Counting has started."))
	p.do(chromedp.Navigate(news.URL))
	p.waitFor("the first post", query(postSelector(main, first)), domTimeout)
	interval := query(main) + ".__liveline.interval"
	if got := eval[float64](p, interval); got != float64(browserPollingInterval.Milliseconds()) {
		t.Fatalf("widget interval = %v ms, want %d", got, browserPollingInterval.Milliseconds())
	}

	app.stop()
	slower := 3 * browserPollingInterval
	startBrowserApp(t, app.dbPath, addr, nil, func(c *Config) { c.PollingInterval = slower.String() })
	p.waitFor("the widget to take the new interval",
		interval+" === "+strconv.FormatInt(slower.Milliseconds(), 10), 45*time.Second)
}
