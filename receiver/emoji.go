package receiver

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
)

// EmojiMaxAge is how long the list of a workspace's custom emoji is used
// before emoji.list is read again.
const EmojiMaxAge = time.Hour

// emojiRetryDelay is how long a failed emoji.list waits before the next try.
const emojiRetryDelay = 5 * time.Minute

// maxEmojiAliasHops bounds how many "alias:" entries are followed, so an
// alias loop in a workspace cannot hang rendering.
const maxEmojiAliasHops = 5

// customEmoji is the workspace's custom emoji, name to image URL, read
// from emoji.list. The zero value is empty and ready to use.
type customEmoji struct {
	mu      sync.RWMutex
	urls    map[string]string
	fetched time.Time
}

// url returns the image URL of a custom emoji, following Slack's
// "alias:other" entries.
func (c *customEmoji) url(name string) (string, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	for i := 0; i <= maxEmojiAliasHops; i++ {
		value, ok := c.urls[name]
		if !ok {
			return "", false
		}
		target, isAlias := strings.CutPrefix(value, "alias:")
		if !isAlias {
			return value, true
		}
		name = target
	}
	return "", false
}

func (c *customEmoji) stale(now time.Time) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return now.Sub(c.fetched) > EmojiMaxAge
}

func (c *customEmoji) replace(urls map[string]string, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.urls, c.fetched = urls, now
}

// EmojiURL returns the image URL of a custom emoji by name without colons,
// for render.Options.EmojiURL. It reads only the list in memory, which
// RefreshEmoji fills.
func (w *Worker) EmojiURL(_ context.Context, name string) (string, bool) {
	return w.emoji.url(name)
}

// RefreshEmoji reads emoji.list when the list in memory is older than
// EmojiMaxAge. Without the emoji:read scope the list stays empty and
// custom emoji show as their :name:.
func (w *Worker) RefreshEmoji(ctx context.Context) error {
	now := w.cfg.Now()
	if !w.emoji.stale(now) {
		return nil
	}
	urls, err := w.slack.GetEmojiContext(ctx)
	if err != nil {
		// Keep the old list, and try again after emojiRetryDelay rather
		// than a whole EmojiMaxAge.
		w.emoji.replace(w.emojiSnapshot(), now.Add(emojiRetryDelay-EmojiMaxAge))
		return fmt.Errorf("emoji.list: %w", err)
	}
	w.emoji.replace(urls, now)
	w.log.Info("read custom emoji", "count", len(urls))
	return nil
}

func (w *Worker) emojiSnapshot() map[string]string {
	w.emoji.mu.RLock()
	defer w.emoji.mu.RUnlock()
	return w.emoji.urls
}
