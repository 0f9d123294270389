package publisher

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/liveline/liveline/bridge"
)

func TestServePage_Metadata(t *testing.T) {
	posts := &fakePosts{last: 1733328300000000, posts: []bridge.Post{
		textPost("1733328000.000100", "Ana", "<p>Polls are open.</p>", 1733328000000100),
		textPost("1733328100.000200", "Ben", "<p>Turnout &amp; queues</p>", 1733328100000200),
	}}
	srv := mustServer(t, posts, "Results as they come in")
	_, page := mustGet(t, srv.URL+"/live/election")

	for _, want := range []string{
		`<title>Election night</title>`,
		`<meta name="description" content="Results as they come in">`,
		`<meta property="og:title" content="Election night">`,
		`<meta property="og:url" content="` + srv.URL + `/live/election">`,
		`<link rel="alternate" type="application/atom+xml" title="Election night" href="` +
			srv.URL + `/live/election/feed.atom">`,
		`data-liveline-last-update="1733328300.000000"`,
		`<style id="liveline-style">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	newer := strings.Index(page, `id="post-1733328100.000200"`)
	older := strings.Index(page, `id="post-1733328000.000100"`)
	if newer < 0 || older < 0 || newer > older {
		t.Errorf("posts at %d and %d, want both rendered, newest first", newer, older)
	}
}

func TestServePage_HiddenPostLeftOut(t *testing.T) {
	hidden := textPost("1733328000.000100", "Ana", "<p>Not for readers</p>", 1)
	hidden.Hidden = true
	srv := mustServer(t, &fakePosts{last: 1, posts: []bridge.Post{hidden}}, "")
	_, page := mustGet(t, srv.URL+"/live/election")
	if strings.Contains(page, "Not for readers") {
		t.Error("page shows a hidden post")
	}
}

var jsonLDPattern = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)

func TestServePage_JSONLD(t *testing.T) {
	posts := &fakePosts{last: 3, posts: []bridge.Post{
		textPost("1733328000.000100", "Ana", "<p>First</p>", 1),
		textPost("1733328100.000200", "", "<p>Close </script><script>alert(1)</script> this</p>", 2),
	}}
	posts.posts[0].Edited = "1733328050.000000"
	srv := mustServer(t, posts, "")
	_, page := mustGet(t, srv.URL+"/live/election")

	m := jsonLDPattern.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("page has no JSON-LD script")
	}
	if strings.Contains(m[1], "<") {
		t.Errorf("JSON-LD contains a raw <, which could close its script: %s", m[1])
	}
	var got liveBlog
	if err := json.Unmarshal([]byte(m[1]), &got); err != nil {
		t.Fatalf("JSON-LD is not valid JSON: %v\n%s", err, m[1])
	}
	if got.Type != "LiveBlogPosting" {
		t.Errorf("@type = %q, want LiveBlogPosting", got.Type)
	}
	if got.Headline != "Election night" {
		t.Errorf("headline = %q, want Election night", got.Headline)
	}
	if len(got.Updates) != 2 {
		t.Fatalf("liveBlogUpdate has %d entries, want 2", len(got.Updates))
	}
	if want := srv.URL + "/live/election#post-1733328100.000200"; got.Updates[0].URL != want {
		t.Errorf("newest update url = %q, want %q", got.Updates[0].URL, want)
	}
	if want := "Close alert(1) this"; got.Updates[0].ArticleBody != want {
		t.Errorf("articleBody = %q, want %q", got.Updates[0].ArticleBody, want)
	}
	if got.Updates[1].DateModified != "2024-12-04T16:00:50Z" {
		t.Errorf("edited dateModified = %q, want 2024-12-04T16:00:50Z", got.Updates[1].DateModified)
	}
	if got.Description != "Close alert(1) this" {
		t.Errorf("description = %q, want the newest post's text", got.Description)
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		text  string
		limit int
		want  string
	}{
		{"short", 10, "short"},
		{"polls close at eight tonight", 20, "polls close at…"},
		{"ééééééééééé", 5, "éééé…"},
	}
	for _, tt := range tests {
		if got := truncate(tt.text, tt.limit); got != tt.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tt.text, tt.limit, got, tt.want)
		}
	}
}

func TestServePage_ImagesFromOtherHosts(t *testing.T) {
	post := textPost("1733328000.000100", "Wire", "<p>Photos</p>", 1)
	post.Blocks = append(post.Blocks,
		bridge.Block{Type: bridge.BlockImage, URL: "http://cdn.example.org/plain.jpg"},
		bridge.Block{Type: bridge.BlockImage, URL: "https://cdn.example.org/secure.jpg"})
	srv := mustServer(t, &fakePosts{last: 1, posts: []bridge.Post{post}}, "")
	_, page := mustGet(t, srv.URL+"/live/election")
	if strings.Contains(page, "http://cdn.example.org/plain.jpg") {
		t.Error("page loads a plain http image, which https sites block as mixed content")
	}
	if !strings.Contains(page, `<img src="https://cdn.example.org/secure.jpg"`) {
		t.Error("page lacks the https image")
	}
	if !strings.Contains(page, `referrerpolicy="no-referrer"`) {
		t.Error("a third-party image is sent the page's address as referrer")
	}
	if strings.Contains(page, `og:image`) {
		t.Error("a third-party image became the page's share image")
	}
}

func TestServePage_RendersNewestPostsOnly(t *testing.T) {
	posts := &fakePosts{last: 1}
	for i := 0; i < maxPagePosts+20; i++ {
		ts := fmt.Sprintf("%d.000100", 1733328000+i)
		posts.posts = append(posts.posts, textPost(ts, "Ana", fmt.Sprintf("<p>Post %d</p>", i), 1))
	}
	srv := mustServer(t, posts, "")
	_, page := mustGet(t, srv.URL+"/live/election")
	if n := strings.Count(page, `class="liveline-post"`); n != maxPagePosts {
		t.Errorf("page renders %d posts, want the newest %d", n, maxPagePosts)
	}
	if !strings.Contains(page, fmt.Sprintf("Post %d<", maxPagePosts+19)) {
		t.Error("page lacks the newest post")
	}
}

func TestServePage_RenderedOncePerChange(t *testing.T) {
	posts := &fakePosts{last: 1, posts: []bridge.Post{textPost("1733328000.000100", "Ana", "<p>First</p>", 1)}}
	srv := mustServer(t, posts, "")
	resp, _ := mustGet(t, srv.URL+"/live/election")
	reads := posts.reads.Load()
	mustGet(t, srv.URL+"/live/election")
	if got := posts.reads.Load(); got != reads {
		t.Errorf("second request read the store %d more times, want the cached page", got-reads)
	}

	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Fatal("page has no ETag")
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/live/election", nil)
	req.Header.Set("If-None-Match", etag)
	again, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	again.Body.Close()
	if again.StatusCode != http.StatusNotModified {
		t.Errorf("conditional request = %s, want 304", again.Status)
	}
}
