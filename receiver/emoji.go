package receiver

import (
	"context"
	"fmt"
	"strings"
)

// maxEmojiAliasHops bounds how many "alias:" entries are followed, so an
// alias loop in a workspace cannot hang rendering.
const maxEmojiAliasHops = 5

// customEmojiURL returns the image URL of a custom emoji in list, following
// Slack's "alias:other" entries.
func customEmojiURL(list *listCache, name string) (string, bool) {
	for i := 0; i <= maxEmojiAliasHops; i++ {
		value, ok := list.get(name)
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

// EmojiURL returns the image URL of a custom emoji by name without colons,
// for render.Options.EmojiURL. It reads only the list in memory, which
// RefreshEmoji fills.
func (w *Worker) EmojiURL(_ context.Context, name string) (string, bool) {
	return customEmojiURL(&w.emoji, name)
}

// RefreshEmoji reads emoji.list when the list in memory is older than an
// hour. Without the emoji:read scope the list stays empty and
// custom emoji show as their :name:.
func (w *Worker) RefreshEmoji(ctx context.Context) error {
	now := w.cfg.Now()
	if !w.emoji.stale(now) {
		return nil
	}
	urls, err := w.slack.GetEmojiContext(ctx)
	if err != nil {
		w.emoji.failed(now)
		return fmt.Errorf("emoji.list: %w", err)
	}
	w.emoji.loaded(urls, now)
	w.log.Info("read custom emoji", "count", len(urls))
	return nil
}
