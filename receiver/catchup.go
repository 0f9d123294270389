package receiver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/liveline/liveline/bridge"
)

// Limits of one catch-up run.
const (
	// DefaultHistoryPageSize is the limit sent with each
	// conversations.history call: the most messages one page returns.
	DefaultHistoryPageSize = 200
	// maxHistoryPages bounds a run, so a channel with a very long history
	// fails with an error instead of paging for hours.
	maxHistoryPages = 1000
	// maxRateLimitWaits is how many 429 responses one page may get
	// before the run gives up.
	maxRateLimitWaits = 5
	// latestMargin keeps the newest seconds out of a run's window. A
	// message that Slack has not yet listed in history is then neither
	// missed nor mistaken for a deleted one, even with a few seconds of
	// clock skew between Liveline and Slack.
	latestMargin = 10 * time.Second
)

// CatchUpConfig configures a CatchUp.
type CatchUpConfig struct {
	// BotToken is the bot token (xoxb-...) with channels:history, and
	// groups:history for private channels. Required.
	BotToken string
	// APIURL is the base URL of Slack's Web API; slack-go's default when
	// empty.
	APIURL string
	// Store stores the changes and the sync state. Required.
	Store bridge.SyncStore
	// HTTPClient calls the Web API; nil uses one with a 30-second
	// timeout.
	HTTPClient *http.Client
	// PageSize is the number of messages per history call;
	// DefaultHistoryPageSize when zero.
	PageSize int
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
	// Wait pauses for d or until ctx ends, before a call is retried after
	// a 429. Nil uses a timer. Tests make it return at once.
	Wait func(ctx context.Context, d time.Duration) error
}

// CatchUp reconciles mapped channels with Slack's conversations.history:
// it adds messages that events never delivered, applies missed edits and
// removes posts whose messages are gone. It goes through the receiver's
// own message rules, so a message gives the same post either way.
type CatchUp struct {
	rc  *Receiver
	cfg CatchUpConfig
	api *slack.Client
	log *slog.Logger
}

// CatchUpResult reports one channel's run.
type CatchUpResult struct {
	ChannelID string
	Oldest    string // ts the run fetched from
	Latest    string // ts the run fetched up to
	Pages     int    // pages fetched; retried calls count once
	Messages  int    // messages fetched
	Changed   int    // posts added, edited, hidden or shown
	Removed   int    // posts deleted because their messages are gone
	Threads   int    // threads whose replies were read (threads: all)
	Replies   int    // replies fetched from those threads
}

// NewCatchUp returns a CatchUp that turns messages into changes with rc's
// channels, renderer and hide reaction.
func (rc *Receiver) NewCatchUp(cfg CatchUpConfig) (*CatchUp, error) {
	switch {
	case cfg.BotToken == "":
		return nil, errors.New("catch-up: missing bot token")
	case cfg.Store == nil:
		return nil, errors.New("catch-up: missing store")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = DefaultHistoryPageSize
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Wait == nil {
		cfg.Wait = WaitFor
	}
	opts := []slack.Option{slack.OptionHTTPClient(cfg.HTTPClient)}
	if cfg.APIURL != "" {
		api := cfg.APIURL
		if !strings.HasSuffix(api, "/") {
			api += "/"
		}
		opts = append(opts, slack.OptionAPIURL(api))
	}
	return &CatchUp{
		rc:  rc,
		cfg: cfg,
		api: slack.New(cfg.BotToken, opts...),
		log: rc.base.With("component", "catchup"),
	}, nil
}

// WaitFor pauses for d or until ctx ends, whichever comes first, and
// returns ctx's error in the second case.
func WaitFor(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// All reconciles every mapped channel over its covered window. It goes on
// after a channel fails and returns the failures joined.
func (c *CatchUp) All(ctx context.Context) ([]CatchUpResult, error) {
	var (
		results []CatchUpResult
		errs    []error
	)
	for _, ch := range c.rc.cfg.Channels.All() {
		res, err := c.Channel(ctx, ch.ID, time.Time{})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		results = append(results, res)
	}
	return results, errors.Join(errs...)
}

// Channel reconciles one mapped channel with the messages Slack lists from
// from up to a few seconds ago. A zero from means the channel's covered
// window: where the last run started, else the oldest stored post, else
// now. An earlier from widens the covered window for later runs.
//
// Posts are removed only between the oldest message fetched and the end
// of the window, and only after every page was fetched, so a history
// that Slack cuts short never deletes older posts.
func (c *CatchUp) Channel(ctx context.Context, channelID string, from time.Time) (CatchUpResult, error) {
	ch, ok := c.rc.cfg.Channels.ByID(channelID)
	if !ok {
		return CatchUpResult{}, fmt.Errorf("catch up %s: %w", channelID, bridge.ErrNotFound)
	}
	start := time.Now()
	latest := formatTS(c.cfg.Now().Add(-latestMargin))
	oldest, covered, err := c.window(ctx, ch.ID, from, latest)
	if err != nil {
		return CatchUpResult{}, err
	}
	res := CatchUpResult{ChannelID: ch.ID, Oldest: oldest, Latest: latest}
	log := c.log.With("channel_id", ch.ID)

	msgs, err := c.fetch(ctx, ch.ID, oldest, latest, &res, log)
	if err != nil {
		return res, err
	}
	if err := c.reconcile(ctx, ch, msgs, &res, log); err != nil {
		return res, err
	}
	state := bridge.SyncState{ChannelID: ch.ID, Oldest: covered, Latest: latest,
		SyncedAt: c.cfg.Now()}
	if err := c.cfg.Store.SaveSyncState(ctx, state); err != nil {
		return res, fmt.Errorf("catch up %s: %w", ch.ID, err)
	}
	log.Info("caught up with slack history", "oldest", oldest, "latest", latest,
		"pages", res.Pages, "messages", res.Messages, "changed", res.Changed,
		"removed", res.Removed, "threads", res.Threads, "replies", res.Replies, "duration", time.Since(start))
	return res, nil
}

// window returns the ts to fetch from and the start of the covered window
// to record after the run.
func (c *CatchUp) window(ctx context.Context, channelID string, from time.Time, latest string) (oldest, covered string, err error) {
	state, err := c.cfg.Store.SyncState(ctx, channelID)
	if err != nil && !errors.Is(err, bridge.ErrNotFound) {
		return "", "", fmt.Errorf("catch up %s: %w", channelID, err)
	}
	if err == nil {
		covered = state.Oldest
	} else {
		covered, err = c.cfg.Store.OldestTS(ctx, channelID)
		if errors.Is(err, bridge.ErrNotFound) {
			covered, err = latest, nil
		}
		if err != nil {
			return "", "", fmt.Errorf("catch up %s: %w", channelID, err)
		}
	}
	if from.IsZero() {
		return covered, covered, nil
	}
	oldest = formatTS(from)
	return oldest, minTS(oldest, covered), nil
}

// fetch returns every message Slack lists in the channel from oldest to
// latest, both included, following the cursor across pages.
func (c *CatchUp) fetch(ctx context.Context, channelID, oldest, latest string, res *CatchUpResult, log *slog.Logger) ([]slack.Message, error) {
	params := &slack.GetConversationHistoryParameters{ChannelID: channelID, Oldest: oldest,
		Latest: latest, Inclusive: true, Limit: c.cfg.PageSize}
	var msgs []slack.Message
	for page := 0; page < maxHistoryPages; page++ {
		resp, err := c.historyPage(ctx, params, log)
		if err != nil {
			return nil, fmt.Errorf("catch up %s: conversations.history: %w%s",
				channelID, err, historyHint(err))
		}
		res.Pages++
		res.Messages += len(resp.Messages)
		msgs = append(msgs, resp.Messages...)
		if !resp.HasMore || resp.ResponseMetaData.NextCursor == "" {
			return msgs, nil
		}
		params.Cursor = resp.ResponseMetaData.NextCursor
	}
	return nil, fmt.Errorf("catch up %s: history from %s has more than %d pages: "+
		"backfill a shorter window with --since", channelID, oldest, maxHistoryPages)
}

// historyPage calls conversations.history for one page, waiting out
// 429 responses as retryRateLimited does.
func (c *CatchUp) historyPage(ctx context.Context, params *slack.GetConversationHistoryParameters, log *slog.Logger) (*slack.GetConversationHistoryResponse, error) {
	var resp *slack.GetConversationHistoryResponse
	err := c.retryRateLimited(ctx, "conversations.history", log, func() error {
		var err error
		resp, err = c.api.GetConversationHistoryContext(ctx, params)
		return err
	})
	return resp, err
}

// retryRateLimited runs call, a request to the Web API method. After a
// 429 it waits for Retry-After and calls again, at most maxRateLimitWaits
// times.
func (c *CatchUp) retryRateLimited(ctx context.Context, method string, log *slog.Logger, call func() error) error {
	for attempt := 1; ; attempt++ {
		err := call()
		var limited *slack.RateLimitedError
		if !errors.As(err, &limited) {
			return err
		}
		if attempt > maxRateLimitWaits {
			return fmt.Errorf("still rate-limited after %d waits: %w", maxRateLimitWaits, err)
		}
		wait := max(limited.RetryAfter, time.Second)
		log.Warn("slack rate-limited "+method+"; retrying", "retry_after", wait,
			"attempt", attempt)
		if err := c.cfg.Wait(ctx, wait); err != nil {
			return err
		}
	}
}

// historyHint returns what to do about Slack errors that a setting fixes.
func historyHint(err error) string {
	var slackErr slack.SlackErrorResponse
	if !errors.As(err, &slackErr) {
		return ""
	}
	switch slackErr.Err {
	case "not_in_channel", "channel_not_found":
		return " (invite the Liveline app to the channel)"
	case "missing_scope":
		return " (add the channels:history and groups:history bot scopes and reinstall the app)"
	case "invalid_auth", "not_authed", "token_revoked":
		return " (check slack.bot_token)"
	}
	return ""
}

// reconcile applies the fetched messages oldest first, then deletes the
// posts in the window whose messages Slack no longer lists. Under
// threads: all it then does the same for the replies of each thread.
func (c *CatchUp) reconcile(ctx context.Context, ch bridge.Channel, msgs []slack.Message, res *CatchUpResult, log *slog.Logger) error {
	slices.SortStableFunc(msgs, func(a, b slack.Message) int {
		return bridge.CompareTS(a.Timestamp, b.Timestamp)
	})
	listed := make(map[string]bool, len(msgs))
	for i := range msgs {
		listed[msgs[i].Timestamp] = true
		for _, change := range c.rc.historyChanges(ctx, ch, &msgs[i].Msg, log) {
			changed, err := c.apply(ctx, change, log)
			if err != nil {
				return err
			}
			if changed {
				res.Changed++
			}
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	posts, err := c.cfg.Store.PostsBetween(ctx, ch.ID, msgs[0].Timestamp, res.Latest)
	if err != nil {
		return fmt.Errorf("catch up %s: %w", ch.ID, err)
	}
	for i := range posts {
		p := &posts[i]
		if listed[p.TS] || !inHistory(ch, p) {
			continue
		}
		gone := bridge.Change{Op: bridge.OpDelete, ChannelID: ch.ID, TS: p.TS}
		changed, err := c.apply(ctx, gone, log)
		if err != nil {
			return err
		}
		if changed {
			res.Removed++
		}
	}
	if ch.Threads == bridge.ThreadsAll {
		return c.reconcileThreads(ctx, ch, msgs, posts, res, log)
	}
	return nil
}

// apply stores one change and reports whether readers see it.
func (c *CatchUp) apply(ctx context.Context, change bridge.Change, log *slog.Logger) (bool, error) {
	out, err := c.cfg.Store.Apply(ctx, change)
	if err != nil {
		return false, fmt.Errorf("catch up %s: %w", change.ChannelID, err)
	}
	log.Debug("applied history change", "slack_ts", change.TS, "op", change.Op.String(),
		"changed", out.Changed, "reason", out.Reason)
	return out.Changed, nil
}

// formatTS returns t as a Slack ts with six decimals.
func formatTS(t time.Time) string {
	return bridge.Stamp(t.UnixMicro()).String()
}

func minTS(a, b string) string {
	if bridge.CompareTS(a, b) <= 0 {
		return a
	}
	return b
}
