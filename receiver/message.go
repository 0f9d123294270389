package receiver

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/liveline/liveline/bridge"
)

// innerEvent is the part of an inner event needed to route it.
type innerEvent struct {
	Type    string `json:"type"`
	Channel string `json:"channel"`
}

// decode turns an event_callback body into the changes it requests. Events
// Liveline does not handle, and events from unmapped channels, give no
// changes and no error.
func (rc *Receiver) decode(ctx context.Context, body []byte, env *envelope, log *slog.Logger) ([]bridge.Change, error) {
	var inner innerEvent
	if len(env.Event) == 0 {
		return nil, fmt.Errorf("event_callback without an event")
	}
	if err := json.Unmarshal(env.Event, &inner); err != nil {
		return nil, fmt.Errorf("decode inner event: %w", err)
	}
	switch inner.Type {
	case "message", "reaction_added", "reaction_removed":
	default:
		log.Debug("ignored event type", "type", inner.Type)
		return nil, nil
	}
	parsed, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
	if err != nil {
		return nil, fmt.Errorf("parse %s event: %w", inner.Type, err)
	}
	var changes []bridge.Change
	switch ev := parsed.InnerEvent.Data.(type) {
	case *slackevents.MessageEvent:
		changes = rc.messageChanges(ctx, ev, log)
	case *slackevents.ReactionAddedEvent:
		changes = rc.reactionChanges(ev.Reaction, ev.User, ev.Item, bridge.OpHide, log)
	case *slackevents.ReactionRemovedEvent:
		changes = rc.reactionChanges(ev.Reaction, ev.User, ev.Item, bridge.OpShow, log)
	default:
		log.Debug("ignored event", "type", inner.Type)
	}
	// A ts the store cannot key would fail there, and Slack retries any
	// response but 200, so such a change is dropped and logged instead.
	valid := changes[:0]
	for _, c := range changes {
		if _, err := bridge.ParseTS(c.TS); err != nil {
			log.Warn("ignored change with an invalid ts", "type", inner.Type, "op", c.Op.String(),
				"slack_ts", c.TS, "error", err)
			continue
		}
		valid = append(valid, c)
	}
	return valid, nil
}

// publishedSubtypes are the message subtypes that become posts.
var publishedSubtypes = map[string]bool{
	"":                 true,
	"file_share":       true,
	"thread_broadcast": true,
	"bot_message":      true,
	"me_message":       true,
}

func (rc *Receiver) messageChanges(ctx context.Context, ev *slackevents.MessageEvent, log *slog.Logger) []bridge.Change {
	ch, ok := rc.cfg.Channels.ByID(ev.Channel)
	if !ok {
		log.Debug("ignored message from unmapped channel", "channel_id", ev.Channel)
		return nil
	}
	log = log.With("channel_id", ch.ID)
	switch ev.SubType {
	case "message_changed":
		return rc.editChanges(ctx, ch, ev.Message, log)
	case "message_deleted":
		return deleteChanges(ch, ev, log)
	}
	if !publishedSubtypes[ev.SubType] || ev.Message == nil {
		log.Debug("ignored message subtype", "subtype", ev.SubType, "slack_ts", ev.TimeStamp)
		return nil
	}
	if !threadPublished(ch.Threads, ev.Message) {
		log.Debug("ignored thread reply", "slack_ts", ev.Message.Timestamp)
		return nil
	}
	return rc.upsert(ctx, ch, ev.Message, ev.Message.Timestamp, false, log)
}

// editChanges handles message_changed, whose nested message is the new
// version. A nested tombstone is Slack's way of deleting a thread parent
// that still has replies.
func (rc *Receiver) editChanges(ctx context.Context, ch bridge.Channel, msg *slack.Msg, log *slog.Logger) []bridge.Change {
	if msg == nil || msg.Timestamp == "" {
		log.Debug("ignored message_changed without a message")
		return nil
	}
	if msg.SubType == "tombstone" {
		return []bridge.Change{{Op: bridge.OpDelete, ChannelID: ch.ID, TS: msg.Timestamp}}
	}
	if !publishedSubtypes[msg.SubType] || !threadPublished(ch.Threads, msg) {
		log.Debug("ignored edit of an unpublished message", "slack_ts", msg.Timestamp,
			"subtype", msg.SubType)
		return nil
	}
	// Without edited.ts the change is Slack's own (a link unfurled, a
	// reply count moved): it may create a post never seen, but never
	// alters one.
	if msg.Edited == nil || msg.Edited.Timestamp == "" {
		return rc.upsert(ctx, ch, msg, msg.Timestamp, true, log)
	}
	return rc.upsert(ctx, ch, msg, msg.Edited.Timestamp, false, log)
}

// historyChanges turns a message from conversations.history into
// changes. The message is Slack's current copy, so it goes through the
// same rules as the nested message of a message_changed event: an edit
// wins by its edited.ts, and an unedited message only fills a gap. The
// hide reaction on it sets whether the post is hidden.
func (rc *Receiver) historyChanges(ctx context.Context, ch bridge.Channel, msg *slack.Msg, log *slog.Logger) []bridge.Change {
	changes := rc.editChanges(ctx, ch, msg, log)
	if len(changes) == 0 || changes[0].Op != bridge.OpUpsert {
		return changes
	}
	hiders := reactionUsers(msg, rc.cfg.HideReaction)
	changes[0].Post.Hidden = len(hiders) > 0
	op := bridge.OpShow
	if len(hiders) > 0 {
		op = bridge.OpHide
	}
	return append(changes, bridge.Change{Op: op, ChannelID: ch.ID, TS: msg.Timestamp,
		Hiders: hiders, ReplaceHiders: true})
}

// reactionUsers returns who has the named reaction on msg. When Slack
// lists the reaction but not its users, it returns one placeholder user,
// so the post still counts as hidden.
func reactionUsers(msg *slack.Msg, name string) []string {
	for _, r := range msg.Reactions {
		if r.Name != name {
			continue
		}
		if len(r.Users) == 0 {
			return []string{"unknown"}
		}
		return r.Users
	}
	return nil
}

// inHistory reports whether conversations.history lists the message a
// stored post came from. It lists top-level messages and thread replies
// sent to the channel, but not other replies. A post whose source cannot
// be read counts as listed unless the channel publishes every reply.
func inHistory(ch bridge.Channel, p *bridge.Post) bool {
	var msg slack.Msg
	if err := json.Unmarshal(p.Source, &msg); err != nil || msg.Timestamp == "" {
		return ch.Threads != bridge.ThreadsAll
	}
	isReply := msg.ThreadTimestamp != "" && msg.ThreadTimestamp != msg.Timestamp
	return !isReply || msg.SubType == "thread_broadcast"
}

// deleteChanges handles message_deleted. The message to remove is
// deleted_ts; the event's own ts is the time of the deletion.
func deleteChanges(ch bridge.Channel, ev *slackevents.MessageEvent, log *slog.Logger) []bridge.Change {
	ts := ev.DeletedTimeStamp
	if ts == "" && ev.PreviousMessage != nil {
		ts = ev.PreviousMessage.Timestamp
	}
	if ts == "" {
		log.Debug("ignored message_deleted without deleted_ts")
		return nil
	}
	return []bridge.Change{{Op: bridge.OpDelete, ChannelID: ch.ID, TS: ts}}
}

// threadPublished reports whether the channel's policy publishes msg. A
// message is a thread reply when thread_ts is set and differs from its ts.
func threadPublished(policy bridge.ThreadPolicy, msg *slack.Msg) bool {
	isReply := msg.ThreadTimestamp != "" && msg.ThreadTimestamp != msg.Timestamp
	if !isReply {
		return true
	}
	switch policy {
	case bridge.ThreadsAll:
		return true
	case bridge.ThreadsIgnore:
		return false
	}
	return msg.SubType == "thread_broadcast"
}

func (rc *Receiver) upsert(ctx context.Context, ch bridge.Channel, msg *slack.Msg, version string, onlyIfAbsent bool, log *slog.Logger) []bridge.Change {
	if _, err := bridge.ParseTS(msg.Timestamp); err != nil {
		log.Warn("ignored message with an invalid ts", "slack_ts", msg.Timestamp, "error", err)
		return nil
	}
	if _, err := bridge.ParseTS(version); err != nil {
		version = msg.Timestamp
	}
	author, blocks, miss := renderPost(ctx, rc.cfg.Renderer, rc.cfg.Media, msg, log)
	if len(blocks) == 0 {
		log.Info("skipped message with nothing to show", "slack_ts", msg.Timestamp)
		return nil
	}
	source, err := json.Marshal(msg)
	if err != nil {
		log.Warn("failed to keep message source", "slack_ts", msg.Timestamp, "error", err)
	}
	edited := ""
	if msg.Edited != nil && !onlyIfAbsent {
		edited = msg.Edited.Timestamp
	}
	post := &bridge.Post{Author: author, Blocks: blocks, Version: version, Edited: edited, Source: source}
	return []bridge.Change{{Op: bridge.OpUpsert, ChannelID: ch.ID, TS: msg.Timestamp, Post: post,
		OnlyIfAbsent: onlyIfAbsent, Jobs: miss.jobsFor(ch.ID, msg.Timestamp)}}
}

// reactionChanges hides or shows a post when someone adds or removes the
// configured reaction on a message in a mapped channel. The post stays
// hidden while anyone's hide reaction remains.
func (rc *Receiver) reactionChanges(reaction, user string, item slackevents.Item, op bridge.Op, log *slog.Logger) []bridge.Change {
	if reaction != rc.cfg.HideReaction || item.Type != "message" {
		return nil
	}
	ch, ok := rc.cfg.Channels.ByID(item.Channel)
	if !ok {
		log.Debug("ignored reaction in unmapped channel", "channel_id", item.Channel)
		return nil
	}
	return []bridge.Change{{Op: op, ChannelID: ch.ID, TS: item.Timestamp, User: user}}
}
