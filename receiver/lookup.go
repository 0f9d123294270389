package receiver

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/liveline/liveline/bridge"
)

// refreshName looks up a name unless the cache already has a fresh one,
// as it does when another post asked for the same name first.
func (w *Worker) refreshName(ctx context.Context, kind bridge.NameKind, id string, lookUp func(context.Context, string) (string, error)) error {
	cached, err := w.cfg.Names.Name(ctx, kind, id)
	if err == nil && w.cfg.Now().Sub(cached.Fetched) <= NameMaxAge {
		return nil
	}
	name, err := lookUp(ctx, id)
	if err != nil {
		return err
	}
	return w.cfg.Names.PutName(ctx, bridge.Name{Kind: kind, ID: id, Name: name, Fetched: w.cfg.Now()})
}

// lookUpUser returns a user's name from users.info: the display name,
// else the real name (or the reverse with PreferRealName). A user that
// does not exist gets an empty name, which readers see as a placeholder.
func (w *Worker) lookUpUser(ctx context.Context, id string) (string, error) {
	u, err := w.slack.GetUserInfoContext(ctx, id)
	if isSlackError(err, "user_not_found", "user_not_visible") {
		w.log.Info("user not found; showing a placeholder", "user_id", id)
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("users.info %s: %w", id, err)
	}
	avatar := bridge.Name{Kind: bridge.NameAvatar, ID: id, Name: u.Profile.Image48, Fetched: w.cfg.Now()}
	if err := w.cfg.Names.PutName(ctx, avatar); err != nil {
		w.log.Warn("failed to cache avatar", "user_id", id, "error", err)
	}
	names := []string{u.Profile.DisplayName, u.Profile.RealName, u.RealName}
	if w.cfg.PreferRealName {
		names = []string{u.Profile.RealName, u.RealName, u.Profile.DisplayName}
	}
	for _, name := range names {
		if strings.TrimSpace(name) != "" {
			return strings.TrimSpace(name), nil
		}
	}
	return "", nil
}

// lookUpChannel returns a channel's name from conversations.info. Private
// channels and channels that do not exist get an empty name, because the
// live page is public and must not reveal them.
func (w *Worker) lookUpChannel(ctx context.Context, id string) (string, error) {
	ch, err := w.slack.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: id})
	if isSlackError(err, "channel_not_found") {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("conversations.info %s: %w", id, err)
	}
	if ch.IsPrivate || ch.IsIM || ch.IsMpIM {
		return "", nil
	}
	return ch.Name, nil
}

// isSlackError reports whether err is a Web API error with one of codes.
func isSlackError(err error, codes ...string) bool {
	var resp slack.SlackErrorResponse
	if !errors.As(err, &resp) {
		return false
	}
	for _, c := range codes {
		if resp.Err == c {
			return true
		}
	}
	return false
}
