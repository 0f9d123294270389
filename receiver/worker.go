package receiver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/liveline/liveline/bridge"
	"github.com/liveline/liveline/receiver/render"
)

// Worker defaults.
const (
	DefaultJobInterval    = time.Second
	DefaultMaxAttempts    = 8
	DefaultRetryBaseDelay = 10 * time.Second
	DefaultRetryMaxDelay  = time.Hour
)

// maxJobsPerRun bounds one RunDue call, so a queue that keeps refilling
// cannot hold the loop.
const maxJobsPerRun = 1000

// WorkerPosts is a post store that reads single posts and applies changes.
type WorkerPosts interface {
	bridge.PostWriter
	bridge.PostGetter
}

// WorkerConfig configures a Worker.
type WorkerConfig struct {
	Queue bridge.JobQueue
	Posts WorkerPosts
	Names bridge.NameCache
	Media bridge.MediaIndex
	// Renderer renders posts again when a job is done. It must use the
	// same Directory as the Receiver's.
	Renderer *render.Renderer

	// BotToken authenticates Web API calls and file downloads. Required.
	BotToken string
	// APIURL is the base URL of Slack's Web API, such as
	// https://slack.com/api/.
	APIURL string
	// HTTPClient makes Web API calls and downloads. Nil uses a client
	// with a 30 second timeout.
	HTTPClient *http.Client
	// MediaDir is the folder that downloaded images are stored in.
	MediaDir string
	// PreferRealName shows a user's real name before their display name.
	PreferRealName bool

	// MaxAttempts is how often a failing job runs before it is given up;
	// DefaultMaxAttempts when 0.
	MaxAttempts int
	// RetryBaseDelay is the wait after the first failure, doubled after
	// each further one up to DefaultRetryMaxDelay; DefaultRetryBaseDelay
	// when 0.
	RetryBaseDelay time.Duration
	// Interval is how often the loop started by Start looks for due jobs.
	// Zero starts no loop, so tests call RunDue themselves.
	Interval time.Duration
	// Now is the clock for due times and name ages. Nil uses time.Now.
	Now func() time.Time
	// Logger receives the worker's logs. Nil uses slog.Default.
	Logger *slog.Logger
}

// Worker runs queued jobs one at a time: it looks up names, downloads
// images, and renders the affected posts again.
type Worker struct {
	cfg        WorkerConfig
	slack      *slack.Client
	http       *http.Client
	log        *slog.Logger
	emoji      listCache // custom emoji, name to image URL
	usergroups listCache // user groups, id to handle

	stop context.CancelFunc
	done chan struct{}
	once sync.Once
}

// NewWorker returns a Worker. It returns an error when a required field
// of cfg is missing.
func NewWorker(cfg WorkerConfig) (*Worker, error) {
	switch {
	case cfg.Queue == nil || cfg.Posts == nil || cfg.Names == nil || cfg.Media == nil:
		return nil, errors.New("worker: missing queue, posts, names or media")
	case cfg.Renderer == nil:
		return nil, errors.New("worker: missing renderer")
	case cfg.BotToken == "":
		return nil, errors.New("worker: missing bot token")
	case cfg.MediaDir == "":
		return nil, errors.New("worker: missing media directory")
	}

	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.RetryBaseDelay <= 0 {
		cfg.RetryBaseDelay = DefaultRetryBaseDelay
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}

	apiURL := cfg.APIURL
	if apiURL != "" && !strings.HasSuffix(apiURL, "/") {
		apiURL += "/"
	}
	opts := []slack.Option{slack.OptionHTTPClient(cfg.HTTPClient)}
	if apiURL != "" {
		opts = append(opts, slack.OptionAPIURL(apiURL))
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Worker{
		cfg:   cfg,
		slack: slack.New(cfg.BotToken, opts...),
		http:  cfg.HTTPClient,
		log:   log.With("component", "worker"),
	}, nil
}

// Start runs due jobs every Interval in a goroutine until Stop. With a
// zero Interval it does nothing.
func (w *Worker) Start() {
	if w.cfg.Interval <= 0 {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	w.stop, w.done = cancel, make(chan struct{})
	go w.loop(ctx)
	w.log.Info("worker started", "interval", w.cfg.Interval, "max_attempts", w.cfg.MaxAttempts)
}

func (w *Worker) loop(ctx context.Context) {
	defer close(w.done)
	ticker := time.NewTicker(w.cfg.Interval)
	defer ticker.Stop()
	for {
		if err := w.RefreshEmoji(ctx); err != nil && ctx.Err() == nil {
			w.log.Warn("failed to read custom emoji; showing their names", "error", err)
		}
		if err := w.RefreshUsergroups(ctx); err != nil && ctx.Err() == nil {
			w.log.Warn("failed to read user groups; showing @group for unlabelled mentions",
				"error", err)
		}
		w.RunDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// Stop stops taking jobs, cancels the running one and waits for the loop
// to end or ctx to be done. Queued jobs stay queued for the next start,
// and a cancelled job does not count as a failed attempt.
func (w *Worker) Stop(ctx context.Context) error {
	if w.stop == nil {
		return nil
	}
	w.once.Do(w.stop)
	select {
	case <-w.done:
		w.log.Info("worker stopped")
		return nil
	case <-ctx.Done():
		return fmt.Errorf("stop worker: %w", ctx.Err())
	}
}

// RunDue runs the jobs that are due now, including those the runs
// themselves enqueue, and returns how many ran.
func (w *Worker) RunDue(ctx context.Context) int {
	ran := 0
	for ran < maxJobsPerRun && ctx.Err() == nil {
		j, err := w.cfg.Queue.NextJob(ctx, w.cfg.Now())
		if errors.Is(err, bridge.ErrNotFound) {
			break
		}
		if err != nil {
			if ctx.Err() == nil {
				w.log.Error("failed to read job queue", "error", err)
			}
			break
		}
		w.runJob(ctx, j)
		ran++
	}
	return ran
}

// jobKeyName returns the log key for a job's Key.
func jobKeyName(kind bridge.JobKind) string {
	switch kind {
	case bridge.JobUserName:
		return "user_id"
	case bridge.JobChannelName:
		return "mentioned_channel_id"
	case bridge.JobFile:
		return "file_id"
	}
	return "key"
}

// errPermanent marks a failure that retrying cannot fix.
var errPermanent = errors.New("permanent failure")

func (w *Worker) runJob(ctx context.Context, j *bridge.Job) {
	log := w.log.With("job_id", j.ID, "kind", string(j.Kind), jobKeyName(j.Kind), j.Key,
		"channel_id", j.ChannelID, "slack_ts", j.TS)
	err := w.do(ctx, j, log)
	if ctx.Err() != nil {
		log.Info("left job queued for the next start")
		return
	}
	if err == nil {
		log.Debug("job done")
		w.finish(ctx, j, log)
		return
	}
	attempt := j.Attempts + 1
	if errors.Is(err, errPermanent) || attempt >= w.cfg.MaxAttempts {
		log.Error("gave up job; the post stays without it", "attempts", attempt, "error", err)
		w.finish(ctx, j, log)
		return
	}
	delay := bridge.RetryDelay(attempt, w.cfg.RetryBaseDelay, DefaultRetryMaxDelay)
	var limited *slack.RateLimitedError
	if errors.As(err, &limited) && limited.RetryAfter > delay {
		delay = limited.RetryAfter
	}
	log.Warn("job failed; will retry", "attempts", attempt, "retry_in", delay.String(), "error", err)
	if err := w.cfg.Queue.RetryJob(ctx, j.ID, w.cfg.Now().Add(delay), err.Error()); err != nil {
		log.Error("failed to reschedule job", "error", err)
	}
}

func (w *Worker) finish(ctx context.Context, j *bridge.Job, log *slog.Logger) {
	if err := w.cfg.Queue.FinishJob(ctx, j.ID); err != nil {
		log.Error("failed to remove finished job", "error", err)
	}
}

func (w *Worker) do(ctx context.Context, j *bridge.Job, log *slog.Logger) error {
	switch j.Kind {
	case bridge.JobUserName:
		if err := w.refreshName(ctx, bridge.NameUser, j.Key, w.lookUpUser); err != nil {
			return err
		}
	case bridge.JobChannelName:
		if err := w.refreshName(ctx, bridge.NameChannel, j.Key, w.lookUpChannel); err != nil {
			return err
		}
	case bridge.JobFile:
		if err := w.storeFile(ctx, j, log); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown job kind %q: %w", j.Kind, errPermanent)
	}
	return w.rerender(ctx, j.ChannelID, j.TS, log)
}

// rerender renders a stored post again from its Source and applies the
// result as a change of the same version, so the channel clock moves only
// when readers see a difference. An edit that lands meanwhile is newer,
// so this change is then dropped as stale.
func (w *Worker) rerender(ctx context.Context, channelID, ts string, log *slog.Logger) error {
	post, err := w.cfg.Posts.Post(ctx, channelID, ts)
	if errors.Is(err, bridge.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if post.Deleted || len(post.Source) == 0 {
		return nil
	}
	var msg slack.Msg
	if err := json.Unmarshal(post.Source, &msg); err != nil {
		return fmt.Errorf("decode source of post %s: %w: %w", ts, err, errPermanent)
	}
	author, blocks, miss := renderPost(ctx, w.cfg.Renderer, w.cfg.Media, &msg, log)
	next := &bridge.Post{Author: author, Blocks: blocks, Version: post.Version,
		Edited: post.Edited, Source: post.Source}
	out, err := w.cfg.Posts.Apply(ctx, bridge.Change{Op: bridge.OpUpsert, ChannelID: channelID,
		TS: ts, Post: next, Jobs: miss.jobsFor(channelID, ts)})
	if err != nil {
		return err
	}
	log.Debug("rendered post again", "changed", out.Changed, "reason", out.Reason)
	return nil
}
