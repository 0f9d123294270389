package render

import (
	"context"
	"testing"

	"github.com/liveline/liveline/bridge"
	"github.com/liveline/liveline/sanitize"
)

func TestMessage_Embed(t *testing.T) {
	tests := []struct {
		link, provider, url string
	}{
		{"https://www.youtube.com/watch?v=Xk3TEST0001&t=90s", "youtube", "https://www.youtube-nocookie.com/embed/Xk3TEST0001?start=90"},
		{"https://youtu.be/Xk3TEST0001", "youtube", "https://www.youtube-nocookie.com/embed/Xk3TEST0001"},
		{"https://m.youtube.com/shorts/Xk3TEST0001", "youtube", "https://www.youtube-nocookie.com/embed/Xk3TEST0001"},
		{"https://vimeo.com/76979871/a1b2c3", "vimeo", "https://player.vimeo.com/video/76979871?dnt=1&h=a1b2c3"},
		{"https://open.spotify.com/intl-de/track/4uLU6hMCjMI75M1A2tKUQC", "spotify", "https://open.spotify.com/embed/track/4uLU6hMCjMI75M1A2tKUQC"},
		{"https://soundcloud.com/desk/ward-7-interview", "soundcloud", "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud.com%2Fdesk%2Fward-7-interview"},
		{"https://x.com/electionsdesk/status/1403000000000000000", "x", "https://x.com/electionsdesk/status/1403000000000000000"},
		{"https://twitter.com/electionsdesk/status/1403000000000000000", "x", "https://twitter.com/electionsdesk/status/1403000000000000000"},
		{"https://www.instagram.com/p/CQ0TEST/", "instagram", "https://www.instagram.com/p/CQ0TEST/"},
		{"https://www.tiktok.com/@desk/video/6970000000000000000", "tiktok", "https://www.tiktok.com/@desk/video/6970000000000000000"},
		{"https://www.facebook.com/desk/posts/1234", "facebook", "https://www.facebook.com/desk/posts/1234"},
		{"https://bsky.app/profile/desk.example.org/post/3k2test", "bluesky", "https://bsky.app/profile/desk.example.org/post/3k2test"},
		{"https://social.example.org/@desk/110000000000000000", "mastodon", "https://social.example.org/@desk/110000000000000000"},
	}
	m := newMessage(context.Background(), newTestRenderer(), "")
	for _, tc := range tests {
		t.Run(tc.provider, func(t *testing.T) {
			b, ok := m.embed(tc.link, "")
			if !ok {
				t.Fatalf("embed(%s) found no provider", tc.link)
			}
			if b.Type != bridge.BlockEmbed {
				t.Errorf("type = %s, want embed", b.Type)
			}
			if b.Provider != tc.provider {
				t.Errorf("provider = %s, want %s", b.Provider, tc.provider)
			}
			if b.URL != tc.url {
				t.Errorf("URL = %s, want %s", b.URL, tc.url)
			}
			if b.Title == "" {
				t.Error("title is empty")
			}
			frame := tc.url != tc.link
			if frame != sanitize.IsEmbedSource(b.URL) {
				t.Errorf("sanitizer accepts %s as a frame: %v, want %v", b.URL, !frame, frame)
			}
		})
	}
}

func TestMessage_EmbedRejects(t *testing.T) {
	m := newMessage(context.Background(), newTestRenderer(), "")
	for _, link := range []string{
		"https://www.youtube.com/watch?v=short",
		"https://www.youtube.com/channel/UC0TEST",
		"https://vimeo.com/channels/staffpicks",
		"https://x.com/electionsdesk",
		"https://example.org/results",
		"javascript://youtube.com/watch?v=Xk3TEST0001",
		"https://user:pass@youtube.com/watch?v=Xk3TEST0001",
	} {
		if b, ok := m.embed(link, ""); ok {
			t.Errorf("embed(%s) = %+v, want no embed", link, b)
		}
	}
}

func TestMessage_EmbedTitleFromLabel(t *testing.T) {
	m := newMessage(context.Background(), newTestRenderer(), "")
	b, ok := m.embed("https://youtu.be/Xk3TEST0001", "Count centre live")
	if !ok {
		t.Fatal("no embed")
	}
	if b.Title != "Count centre live" {
		t.Errorf("title = %q, want the label", b.Title)
	}
}
