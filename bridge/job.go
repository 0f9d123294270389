package bridge

import (
	"context"
	"time"
)

// JobKind names the work a Job does.
type JobKind string

// Job kinds. Each resolves one thing a post shows and then renders the
// post again from its stored Source.
const (
	// JobUserName looks up a user's name; Key is the Slack user id.
	JobUserName JobKind = "user_name"
	// JobChannelName looks up a channel's name; Key is the channel id.
	JobChannelName JobKind = "channel_name"
	// JobFile downloads an image file; Key is the Slack file id.
	JobFile JobKind = "file"
)

// Job is a unit of background work for one post: slow or failing work
// that must not run while Slack waits for an event's acknowledgement.
type Job struct {
	ID        int64
	Kind      JobKind
	Key       string // id of the user, channel or file the job resolves
	ChannelID string // the post to render again when the job is done
	TS        string

	// Attempts counts the failed runs so far.
	Attempts int
	// LastError is the error of the last failed run, for the log.
	LastError string
}

// JobQueue is a durable queue of jobs. Jobs wait until they are finished,
// so queued work survives a restart. There is one consumer at a time.
type JobQueue interface {
	// EnqueueJobs adds jobs due at once. A job equal in kind, key and
	// post to a queued one is not added twice.
	EnqueueJobs(ctx context.Context, jobs []Job) error
	// NextJob returns the queued job due first at or before now, or
	// ErrNotFound when none is due.
	NextJob(ctx context.Context, now time.Time) (*Job, error)
	// FinishJob removes a job that succeeded or was given up.
	FinishJob(ctx context.Context, id int64) error
	// RetryJob records a failed run and makes the job due again at at.
	RetryJob(ctx context.Context, id int64, at time.Time, lastError string) error
}

// RetryDelay returns how long to wait after the given failed attempt
// (1 for the first): base, doubled on each further attempt, at most max.
func RetryDelay(attempt int, base, max time.Duration) time.Duration {
	d := base
	for i := 1; i < attempt && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}

// PostGetter reads one stored post, tombstones included.
type PostGetter interface {
	Post(ctx context.Context, channelID, ts string) (*Post, error)
}
