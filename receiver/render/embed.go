package render

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/liveline/liveline/bridge"
)

// provider recognises links to one video, audio or social site.
type provider struct {
	name  string // Block.Provider
	title string // Block.Title when the link has no label of its own

	// frame returns the privacy-friendly player address for u, or
	// false when the site has none and the embed is a link card.
	frame func(u *url.URL) (string, bool)
	// match reports whether u is a link to one item on the site.
	match func(u *url.URL) bool
}

var (
	youtubeID   = regexp.MustCompile(`^[A-Za-z0-9_-]{11}$`)
	youtubePath = regexp.MustCompile(`^/(shorts|live|embed)/([A-Za-z0-9_-]{11})/?$`)
	vimeoPath   = regexp.MustCompile(`^/(?:video/)?([0-9]{1,12})(?:/([0-9a-f]{1,20}))?/?$`)
	spotifyPath = regexp.MustCompile(`^/(?:intl-[a-z]{2}(?:-[a-z]{2})?/)?(track|album|playlist|episode|show|artist)/([A-Za-z0-9]{1,40})/?$`)
	soundPath   = regexp.MustCompile(`^/[A-Za-z0-9_-]{1,80}/[A-Za-z0-9_-]{1,200}(/sets/[A-Za-z0-9_-]{1,200})?/?$`)
	startTime   = regexp.MustCompile(`^([0-9]{1,6})s?$`)
	statusPath  = regexp.MustCompile(`^/[A-Za-z0-9_]{1,15}/status/[0-9]{1,25}/?$`)
	instaPath   = regexp.MustCompile(`^/(?:[A-Za-z0-9_.]{1,30}/)?(p|reel|tv)/[A-Za-z0-9_-]{1,40}/?$`)
	tiktokPath  = regexp.MustCompile(`^/@[A-Za-z0-9_.]{1,40}/video/[0-9]{1,25}/?$`)
	blueskyPath = regexp.MustCompile(`^/profile/[A-Za-z0-9.:_-]{1,253}/post/[A-Za-z0-9]{1,20}/?$`)
	mastoPath   = regexp.MustCompile(`^/@[A-Za-z0-9_]{1,30}(@[A-Za-z0-9.-]{1,253})?/[0-9]{1,25}/?$`)
	fbPath      = regexp.MustCompile(`/(posts|videos|watch|reel|permalink\.php|story\.php|photo)`)
)

// providers maps a site's host, without "www." or "m.", to its provider.
var providers = map[string]provider{
	"youtube.com":      {name: "youtube", title: "YouTube video", frame: youtubeFrame},
	"youtu.be":         {name: "youtube", title: "YouTube video", frame: youtubeFrame},
	"vimeo.com":        {name: "vimeo", title: "Vimeo video", frame: vimeoFrame},
	"open.spotify.com": {name: "spotify", title: "Spotify", frame: spotifyFrame},
	"soundcloud.com":   {name: "soundcloud", title: "SoundCloud", frame: soundcloudFrame},
	"twitter.com":      {name: "x", title: "Post on X", match: pathMatch(statusPath)},
	"x.com":            {name: "x", title: "Post on X", match: pathMatch(statusPath)},
	"instagram.com":    {name: "instagram", title: "Instagram post", match: pathMatch(instaPath)},
	"tiktok.com":       {name: "tiktok", title: "TikTok video", match: pathMatch(tiktokPath)},
	"facebook.com":     {name: "facebook", title: "Facebook post", match: pathMatch(fbPath)},
	"fb.watch":         {name: "facebook", title: "Facebook video", match: nonEmptyPath},
	"bsky.app":         {name: "bluesky", title: "Bluesky post", match: pathMatch(blueskyPath)},
}

// mastodon is tried on any other host, because Mastodon servers have
// no common domain.
var mastodon = provider{name: "mastodon", title: "Mastodon post", match: pathMatch(mastoPath)}

// embed returns the embed for a link to a known provider: a player's
// address in Block.URL for sites with a privacy-friendly player, else a
// link card with the link itself in Block.URL. Other links return false.
func (m *message) embed(href, label string) (bridge.Block, bool) {
	u, err := url.Parse(href)
	if err != nil || u.Scheme != "https" && u.Scheme != "http" || u.User != nil {
		return bridge.Block{}, false
	}
	host := strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(u.Hostname()), "www."), "m.")
	p, known := providers[host]
	if !known {
		p = mastodon
	}

	b := bridge.Block{Type: bridge.BlockEmbed, Provider: p.name, Title: p.title}
	if label = strings.TrimSpace(label); label != "" && label != href {
		b.Title = label
	}
	switch {
	case p.frame != nil:
		src, ok := p.frame(u)
		if !ok {
			return bridge.Block{}, false
		}
		b.URL = src
	case p.match(u):
		clean, ok := safeURL(href, false)
		if !ok {
			return bridge.Block{}, false
		}
		b.URL = clean
	default:
		return bridge.Block{}, false
	}
	m.embedded[href] = true
	return b, true
}

func pathMatch(re *regexp.Regexp) func(*url.URL) bool {
	return func(u *url.URL) bool { return re.MatchString(u.Path) }
}

func nonEmptyPath(u *url.URL) bool {
	return strings.Trim(u.Path, "/") != ""
}

// youtubeFrame accepts watch?v=ID, youtu.be/ID, /shorts/ID, /live/ID and
// /embed/ID links, keeping a start time given in seconds.
func youtubeFrame(u *url.URL) (string, bool) {
	query := u.Query()
	id := query.Get("v")
	switch {
	case strings.EqualFold(u.Hostname(), "youtu.be"):
		id = strings.Trim(u.Path, "/")
	case u.Path != "/watch":
		match := youtubePath.FindStringSubmatch(u.Path)
		if match == nil {
			return "", false
		}
		id = match[2]
	}
	if !youtubeID.MatchString(id) {
		return "", false
	}
	src := "https://www.youtube-nocookie.com/embed/" + id
	if t := startTime.FindStringSubmatch(query.Get("t")); t != nil {
		src += "?start=" + t[1]
	}
	return src, true
}

// vimeoFrame accepts vimeo.com/ID and, for unlisted videos, /ID/HASH.
// With dnt=1 the player tracks no session data and sets no cookies, as
// amp.dev's amp-vimeo documentation describes Vimeo's parameter.
func vimeoFrame(u *url.URL) (string, bool) {
	match := vimeoPath.FindStringSubmatch(u.Path)
	if match == nil {
		return "", false
	}
	src := "https://player.vimeo.com/video/" + match[1] + "?dnt=1"
	if match[2] != "" {
		src += "&h=" + match[2]
	}
	return src, true
}

func spotifyFrame(u *url.URL) (string, bool) {
	match := spotifyPath.FindStringSubmatch(u.Path)
	if match == nil {
		return "", false
	}
	return "https://open.spotify.com/embed/" + match[1] + "/" + match[2], true
}

// soundcloudFrame accepts links to a track or a set, by user and name.
func soundcloudFrame(u *url.URL) (string, bool) {
	if !soundPath.MatchString(u.Path) {
		return "", false
	}
	track := "https://soundcloud.com" + strings.TrimSuffix(u.Path, "/")
	return "https://w.soundcloud.com/player/?url=" + url.QueryEscape(track), true
}
