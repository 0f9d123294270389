package main

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// readerPage returns the server-rendered reader page of the election
// channel.
func (a *testApp) readerPage() string {
	a.t.Helper()
	resp, err := http.Get(a.url + "/live/election")
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

// dangerousMarkup returns the first element or attribute in fragment that
// no post may carry: scripts, frames, marquees, images from anywhere but
// Liveline's media, event handlers, and URLs other than http, https and
// mailto. Escaped text that merely looks like markup is fine.
func dangerousMarkup(fragment string) string {
	z := html.NewTokenizer(strings.NewReader(fragment))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "iframe", "marquee", "object", "embed", "style":
				return "<" + tok.Data + ">"
			}
			for _, attr := range tok.Attr {
				if strings.HasPrefix(attr.Key, "on") {
					return attr.Key + "=" + attr.Val
				}
				if (attr.Key == "href" || attr.Key == "src") && !safeURL.MatchString(attr.Val) {
					return attr.Key + "=" + attr.Val
				}
				if tok.Data == "img" && attr.Key == "src" && !strings.Contains(attr.Val, "/media/") {
					return "img src=" + attr.Val
				}
			}
		}
	}
}

var safeURL = regexp.MustCompile(`^(https?://|mailto:|/)`)

func TestCase_LinksAndLabels(t *testing.T) {
	app := startApp(t, "")
	for _, body := range loadCase(t, "B10-links-and-labels.json") {
		app.mustSend(body)
	}
	content := app.updatesSince("C0LIVE01", "0").Updates["1623321000.000700"].Content
	for _, want := range []string{
		`href="https://results.example.org/2021/summary?ward=7&amp;format=html"`,
		`>summary for Ward 7</a>`,
		`href="https://data.example.org/2021/ward_7.csv"`,
		`href="mailto:desk@example.org"`,
		`href="http://www.example.org/faq"`,
		`>Results &amp; turnout &lt;live&gt;</a>`,
	} {
		if !strings.Contains(content, want) {
			t.Errorf("post lacks %s", want)
		}
	}
	if strings.Contains(content, "&amp;amp;") {
		t.Errorf("an href was escaped twice")
	}
	text := bodyText(content)
	for _, want := range []string{
		"Full results: summary for Ward 7 (updated hourly).",
		"Raw data: https://data.example.org/2021/ward_7.csv",
		"Plain text that only looks like markup: a|b and 3 > 2.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("reader text lacks %q in %q", want, text)
		}
	}
}

func TestCase_ScriptsStayInert(t *testing.T) {
	app := startApp(t, "")
	for _, body := range loadCase(t, "B11-xss-text-and-links.json") {
		app.mustSend(body)
	}
	u := app.updatesSince("C0LIVE01", "0")
	if len(u.CurrentPosts) != 2 {
		t.Fatalf("posts = %q, want 2", u.CurrentPosts)
	}
	for _, id := range u.CurrentPosts {
		if m := dangerousMarkup(u.Updates[id].Content); m != "" {
			t.Errorf("post %s carries %q: %s", id, m, u.Updates[id].Content)
		}
	}
	page := app.readerPage()
	body := page[strings.Index(page, "<body>"):strings.Index(page, "<script src=")]
	if m := dangerousMarkup(body); m != "" {
		t.Errorf("reader page carries %q", m)
	}
	edited := bodyText(u.Updates["1623321030.000100"].Content)
	if !strings.Contains(edited, "<iframe") || !strings.Contains(edited, "<img src=x onerror=alert(6)>") {
		t.Errorf("edited post does not show its markup as text: %q", edited)
	}
	bot := u.Updates["1623321040.000200"].Content
	for _, label := range []string{"full story", "archive copy", "mirror"} {
		if !strings.Contains(bodyText(bot), label) {
			t.Errorf("bot post lacks the label %q", label)
		}
	}
}

func TestCase_EntitiesAndCode(t *testing.T) {
	app := startApp(t, "")
	for _, body := range loadCase(t, "B12-entities-and-code.json") {
		app.mustSend(body)
	}
	content := app.updatesSince("C0LIVE01", "0").Updates["1623321070.000100"].Content
	text := bodyText(content)
	for _, want := range []string{
		"turnout > 40% && margin < 2%",
		"&lt;b&gt; should stay visible",
		"if (a < b) { swap(a, b); }",
		"<div class=\"result\">\n    <span>Ward 7</span> & more\n</div>",
		"code with *stars* inside",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("reader text lacks %q in %q", want, text)
		}
	}
	if !strings.Contains(content, "<pre") {
		t.Errorf("fenced block is not preformatted: %s", content)
	}
	for _, want := range []string{"<strong>Bold</strong>", "<em>italic</em>", "<s>struck</s>"} {
		if !strings.Contains(content, want) {
			t.Errorf("post lacks %s", want)
		}
	}
}

func TestCase_BotPostsWithoutUser(t *testing.T) {
	app := startApp(t, "")
	for _, body := range loadCase(t, "B18-bot-message-attachments.json") {
		app.mustSend(body)
	}
	u := app.updatesSince("C0LIVE01", "0")
	want := []string{"1623321600.000100", "1623321630.000200", "1623321660.000300"}
	if strings.Join(u.CurrentPosts, ",") != strings.Join(want, ",") {
		t.Fatalf("posts = %q, want %q", u.CurrentPosts, want)
	}
	checks := []struct {
		id, author string
		texts      []string
	}{
		{want[0], "", []string{"Official result", "Ward 5", "Candidate B 2,140 (51.3%)", "Turnout", "Spoilt ballots"}},
		{want[1], "Electoral Office", []string{"Ward 6 recount requested by the agent for Candidate A."}},
		{want[2], "", []string{"Ward 7 update", "for a 20 minute break. Next update at 11:40pm.", "Source: count supervisor"}},
	}
	for _, c := range checks {
		content := u.Updates[c.id].Content
		text := bodyText(content)
		for _, s := range c.texts {
			if !strings.Contains(text, s) {
				t.Errorf("post %s lacks %q in %q", c.id, s, text)
			}
		}
		if c.author != "" && !strings.Contains(content, `<span class="liveline-author">`+c.author+`</span>`) {
			t.Errorf("post %s author is not %q: %s", c.id, c.author, content)
		}
	}
	if !strings.Contains(u.Updates[want[0]].Content, `href="https://results.example.org/2021/ward-5"`) {
		t.Errorf("attachment title is not a link: %s", u.Updates[want[0]].Content)
	}
}
