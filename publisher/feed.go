package publisher

import (
	"net/http"
	"time"

	"github.com/gorilla/feeds"

	"github.com/liveline/liveline/bridge"
)

// maxFeedEntries is how many of the newest posts the Atom feed lists.
const maxFeedEntries = 50

// serveFeed serves /live/{slug}/feed.atom with the channel's visible
// posts, newest first. Edited posts carry their edit time as <updated>;
// deleted and hidden posts are left out.
func (p *Publisher) serveFeed(w http.ResponseWriter, r *http.Request) {
	ch, visible, last, ok := p.visiblePosts(w, r, "feed")
	if !ok {
		return
	}
	pageURL := p.baseURL(r) + "/live/" + ch.Slug
	feed := &feeds.Feed{
		Title:       channelTitle(ch),
		Link:        &feeds.Link{Href: pageURL, Rel: "alternate"},
		Description: ch.Description,
		// Atom requires an author for the feed or every entry, and posts
		// from apps may have none.
		Author:  &feeds.Author{Name: channelTitle(ch)},
		Updated: feedUpdated(last),
	}
	for i := range visible[:min(len(visible), maxFeedEntries)] {
		feed.Add(p.feedItem(&visible[i], pageURL))
	}

	atom := (&feeds.Atom{Feed: feed}).AtomFeed()
	for i, entry := range atom.Entries {
		entry.Published = isoTime(visible[i].Created())
	}

	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header()["Cache-Control"] = p.cacheControl
	if err := feeds.WriteXML(atom, w); err != nil {
		p.log.Error("failed to write feed", "channel_id", ch.ID, "error", err)
	}
}

func (p *Publisher) feedItem(post *bridge.Post, pageURL string) *feeds.Item {
	item := &feeds.Item{
		Id:      pageURL + "#post-" + post.TS,
		Title:   truncate(postText(post), maxHeadline),
		Link:    &feeds.Link{Href: pageURL + "#post-" + post.TS},
		Created: post.Created(),
		Updated: post.Created(),
		Content: p.postHTML(post),
	}
	if item.Title == "" {
		item.Title = "Update at " + post.Created().UTC().Format("15:04 MST")
	}
	if edited := post.EditedAt(); !edited.IsZero() {
		item.Updated = edited
	}
	if post.Author.Name != "" {
		item.Author = &feeds.Author{Name: post.Author.Name}
	}
	return item
}

// feedUpdated returns the time of the channel's last change, or now for a
// channel that never changed, because Atom requires <updated>.
func feedUpdated(last bridge.Stamp) time.Time {
	if last == 0 {
		return time.Now()
	}
	return last.Time()
}
