package receiver

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"slices"

	"github.com/slack-go/slack"

	"github.com/liveline/liveline/bridge"
)

// reconcileThreads reads conversations.replies for each thread parent in
// msgs that has replies, listed or stored, because conversations.history
// lists neither plain replies nor their edits and deletions. posts are the
// live posts from the oldest message fetched to the end of the window.
//
// A stored reply whose thread no longer lists it is deleted, and so are
// the replies of a parent that history no longer lists at all. Replies
// whose parent is older than the oldest message fetched are left alone,
// because that parent lies outside the window history covered.
func (c *CatchUp) reconcileThreads(ctx context.Context, ch bridge.Channel, msgs []slack.Message, posts []bridge.Post, res *CatchUpResult, log *slog.Logger) error {
	stored := storedReplies(posts)
	listedParents := make(map[string]bool, len(msgs))
	for i := range msgs {
		msg := &msgs[i].Msg
		if isThreadReply(msg) {
			continue
		}
		listedParents[msg.Timestamp] = true
		if msg.ReplyCount == 0 && msg.LatestReply == "" && len(stored[msg.Timestamp]) == 0 {
			continue
		}
		if err := c.reconcileThread(ctx, ch, msg.Timestamp, stored[msg.Timestamp], res, log); err != nil {
			return err
		}
	}

	// Slack keeps a deleted parent as a tombstone while replies remain,
	// so a parent missing from a fully fetched window has none left.
	for _, parent := range slices.Sorted(maps.Keys(stored)) {
		if listedParents[parent] || bridge.CompareTS(parent, msgs[0].Timestamp) < 0 {
			continue
		}
		if err := c.removeReplies(ctx, ch, stored[parent], nil, res, log); err != nil {
			return err
		}
	}
	return nil
}

// reconcileThread applies the replies Slack lists in the thread of parent
// and deletes the stored replies among stored that it no longer lists.
func (c *CatchUp) reconcileThread(ctx context.Context, ch bridge.Channel, parent string, stored []string, res *CatchUpResult, log *slog.Logger) error {
	replies, err := c.fetchReplies(ctx, ch.ID, parent, res.Latest, log)
	if isSlackError(err, "thread_not_found") {
		// Slack no longer has the thread, for example because its parent
		// was deleted after history listed it. This run removes nothing,
		// and the next one reads the window again.
		log.Debug("skipped thread deleted during catch-up", "thread_ts", parent)
		return nil
	}
	if err != nil {
		return err
	}
	res.Threads++
	listed := make(map[string]bool, len(replies))
	for i := range replies {
		msg := &replies[i].Msg
		if msg.Timestamp == parent {
			continue // applied from history already
		}
		res.Replies++
		listed[msg.Timestamp] = true
		for _, change := range c.rc.historyChanges(ctx, ch, msg, log) {
			changed, err := c.apply(ctx, change, log)
			if err != nil {
				return err
			}
			if changed {
				res.Changed++
			}
		}
	}
	return c.removeReplies(ctx, ch, stored, listed, res, log)
}

// removeReplies deletes the posts of the replies in stored that listed
// does not contain.
func (c *CatchUp) removeReplies(ctx context.Context, ch bridge.Channel, stored []string, listed map[string]bool, res *CatchUpResult, log *slog.Logger) error {
	for _, ts := range stored {
		if listed[ts] {
			continue
		}
		gone := bridge.Change{Op: bridge.OpDelete, ChannelID: ch.ID, TS: ts}
		changed, err := c.apply(ctx, gone, log)
		if err != nil {
			return err
		}
		if changed {
			res.Removed++
		}
	}
	return nil
}

// fetchReplies returns the messages Slack lists in the thread of parent
// up to latest, the parent included, following the cursor across pages.
func (c *CatchUp) fetchReplies(ctx context.Context, channelID, parent, latest string, log *slog.Logger) ([]slack.Message, error) {
	params := &slack.GetConversationRepliesParameters{ChannelID: channelID, Timestamp: parent,
		Latest: latest, Inclusive: true, Limit: c.cfg.PageSize}
	var msgs []slack.Message
	for page := 0; page < maxHistoryPages; page++ {
		var (
			batch []slack.Message
			more  bool
			next  string
		)
		err := c.retryRateLimited(ctx, "conversations.replies", log, func() error {
			var err error
			batch, more, next, err = c.api.GetConversationRepliesContext(ctx, params)
			return err
		})
		if isSlackError(err, "thread_not_found") {
			return nil, err
		}
		if err != nil {
			return nil, fmt.Errorf("catch up %s: conversations.replies %s: %w%s",
				channelID, parent, err, historyHint(err))
		}
		msgs = append(msgs, batch...)
		if !more || next == "" {
			return msgs, nil
		}
		params.Cursor = next
	}
	return nil, fmt.Errorf("catch up %s: thread %s has more than %d pages of replies",
		channelID, parent, maxHistoryPages)
}

// storedReplies returns the ts of each post that came from a reply not
// sent to the channel, by the ts of its thread parent. Posts whose source
// cannot be read are left out, so catch-up never deletes them.
func storedReplies(posts []bridge.Post) map[string][]string {
	out := make(map[string][]string)
	for i := range posts {
		var msg slack.Msg
		if err := json.Unmarshal(posts[i].Source, &msg); err != nil || msg.Timestamp == "" {
			continue
		}
		if isThreadReply(&msg) && msg.SubType != "thread_broadcast" {
			out[msg.ThreadTimestamp] = append(out[msg.ThreadTimestamp], posts[i].TS)
		}
	}
	return out
}

// isThreadReply reports whether msg is a reply in a thread: its thread_ts
// is set and differs from its ts.
func isThreadReply(msg *slack.Msg) bool {
	return msg.ThreadTimestamp != "" && msg.ThreadTimestamp != msg.Timestamp
}
