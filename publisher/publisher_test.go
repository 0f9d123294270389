package publisher

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/liveline/liveline/bridge"
)

// fakePosts is a PostReader over a fixed list of posts, oldest first.
type fakePosts struct {
	posts []bridge.Post
	last  bridge.Stamp
	reads atomic.Int64 // calls of PostsSince
}

func (f *fakePosts) LastUpdate(context.Context, string) (bridge.Stamp, error) {
	return f.last, nil
}

func (f *fakePosts) Posts(context.Context, string) ([]bridge.Post, error) {
	return f.posts, nil
}

func (f *fakePosts) PostsSince(_ context.Context, _ string, since bridge.Stamp) ([]bridge.Post, bridge.Stamp, error) {
	f.reads.Add(1)
	var out []bridge.Post
	for _, p := range f.posts {
		if p.Updated >= since {
			out = append(out, p)
		}
	}
	return out, f.last, nil
}

func textPost(ts, author, html string, updated bridge.Stamp) bridge.Post {
	return bridge.Post{
		ChannelID: "C0LIVE01", TS: ts, Author: bridge.Author{Name: author},
		Blocks:  []bridge.Block{{Type: bridge.BlockText, HTML: html}},
		Version: ts, Updated: updated,
	}
}

// mustServer starts a Publisher over posts on an httptest server.
func mustServer(t *testing.T, posts *fakePosts, description string) *httptest.Server {
	t.Helper()
	channels, err := bridge.NewChannels([]bridge.Channel{{
		ID: "C0LIVE01", Slug: "election", Title: "Election night", Description: description,
	}})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := New(Config{
		Channels: channels, Posts: posts,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(pub.Routes())
	t.Cleanup(srv.Close)
	return srv
}

// mustGet fetches url and fails the test unless the status is 200.
func mustGet(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s answered %s: %s", url, resp.Status, body)
	}
	return resp, string(body)
}
