package publisher

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/liveline/liveline/bridge"
)

type noPosts struct{}

func (noPosts) LastUpdate(context.Context, string) (bridge.Stamp, error) { return 0, nil }
func (noPosts) Posts(context.Context, string) ([]bridge.Post, error)     { return nil, nil }
func (noPosts) PostsSince(context.Context, string, bridge.Stamp) ([]bridge.Post, bridge.Stamp, error) {
	return nil, 0, nil
}

func TestPublisher_ServeMedia(t *testing.T) {
	dir := t.TempDir()
	const name = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.png"
	if err := os.WriteFile(filepath.Join(dir, name), []byte("\x89PNG\r\n\x1a\nrest"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("secret"), 0o644)
	channels, err := bridge.NewChannels([]bridge.Channel{{ID: "C0LIVE01", Slug: "election"}})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := New(Config{Channels: channels, Posts: noPosts{}, MediaDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(pub.Routes())
	defer srv.Close()

	t.Run("stored image", func(t *testing.T) {
		resp, err := http.Get(srv.URL + "/media/" + name)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status = %s, want 200", resp.Status)
		}
		if got := resp.Header.Get("Content-Type"); got != "image/png" {
			t.Errorf("Content-Type = %q, want image/png", got)
		}
		if got := resp.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("Cache-Control = %q", got)
		}
		if string(body) != "\x89PNG\r\n\x1a\nrest" {
			t.Errorf("body = %q", body)
		}
	})
	for _, path := range []string{"/media/notes.txt", "/media/" + name[:60] + ".png",
		"/media/0000000000000000000000000000000000000000000000000000000000000000.png",
		"/media/..%2fnotes.txt"} {
		t.Run("not found "+path, func(t *testing.T) {
			resp, err := http.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("status = %s, want 404", resp.Status)
			}
		})
	}
}
