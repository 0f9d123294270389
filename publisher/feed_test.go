package publisher

import (
	"encoding/xml"
	"net/http"
	"strings"
	"testing"

	"github.com/liveline/liveline/bridge"
)

// atomFeed is the part of an Atom document the tests read.
type atomFeed struct {
	Title   string `xml:"title"`
	ID      string `xml:"id"`
	Updated string `xml:"updated"`
	Entries []struct {
		ID        string `xml:"id"`
		Title     string `xml:"title"`
		Updated   string `xml:"updated"`
		Published string `xml:"published"`
		Content   string `xml:"content"`
		Author    string `xml:"author>name"`
	} `xml:"entry"`
}

func TestServeFeed(t *testing.T) {
	edited := textPost("1733328000.000100", "Ana", "<p>Polls open at 7</p>", 1)
	edited.Edited = "1733328060.000000"
	hidden := textPost("1733328100.000200", "Ben", "<p>Hidden</p>", 2)
	hidden.Hidden = true
	newest := textPost("1733328200.000300", "", "<p>Turnout is high</p>", 3)
	srv := mustServer(t, &fakePosts{last: 1733328300000000,
		posts: []bridge.Post{edited, hidden, newest}}, "Results as they come in")

	resp, body := mustGet(t, srv.URL+"/live/election/feed.atom")
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/atom+xml") {
		t.Errorf("Content-Type = %q, want application/atom+xml", ct)
	}
	var feed atomFeed
	if err := xml.Unmarshal([]byte(body), &feed); err != nil {
		t.Fatalf("feed is not valid XML: %v\n%s", err, body)
	}
	if feed.Title != "Election night" {
		t.Errorf("title = %q, want Election night", feed.Title)
	}
	if feed.Updated != "2024-12-04T16:05:00Z" {
		t.Errorf("updated = %q, want the channel clock 2024-12-04T16:05:00Z", feed.Updated)
	}
	if len(feed.Entries) != 2 {
		t.Fatalf("feed has %d entries, want 2 (hidden post left out)", len(feed.Entries))
	}

	first, second := feed.Entries[0], feed.Entries[1]
	if want := srv.URL + "/live/election#post-1733328200.000300"; first.ID != want {
		t.Errorf("newest entry id = %q, want %q", first.ID, want)
	}
	if first.Title != "Turnout is high" {
		t.Errorf("newest entry title = %q, want Turnout is high", first.Title)
	}
	if !strings.Contains(first.Content, `data-post-id="1733328200.000300"`) {
		t.Errorf("newest entry content lacks the post fragment: %s", first.Content)
	}
	if second.Updated != "2024-12-04T16:01:00Z" {
		t.Errorf("edited entry updated = %q, want its edit time 2024-12-04T16:01:00Z", second.Updated)
	}
	if second.Published != "2024-12-04T16:00:00Z" {
		t.Errorf("edited entry published = %q, want 2024-12-04T16:00:00Z", second.Published)
	}
	if second.Author != "Ana" {
		t.Errorf("edited entry author = %q, want Ana", second.Author)
	}
}

func TestServeFeed_UnknownSlug(t *testing.T) {
	srv := mustServer(t, &fakePosts{}, "")
	resp, err := http.Get(srv.URL + "/live/nothing/feed.atom")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown slug answered %s, want 404", resp.Status)
	}
}
