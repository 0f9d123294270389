// Package receiver is Liveline's Slack Events API endpoint. It checks each
// request's signature over the exact bytes Slack sent, parses the event
// with slack-go, turns messages, edits and deletions in mapped channels
// into bridge changes, and responds 200 only after the change is committed.
package receiver

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/slack-go/slack"
	"golang.org/x/time/rate"

	"github.com/liveline/liveline/bridge"
	"github.com/liveline/liveline/receiver/render"
)

// MaxBodyBytes is the largest request body accepted. Slack's event
// payloads are far smaller; anything larger is rejected with 413.
const MaxBodyBytes = 1 << 20

// DefaultHideReaction is the reaction that hides a post from readers.
const DefaultHideReaction = "no_entry_sign"

// Config configures a Receiver.
type Config struct {
	// SigningSecret is the Slack app's signing secret. Required.
	SigningSecret string
	// Channels are the mapped channels; events from others are ignored.
	Channels *bridge.Channels
	// Posts stores the changes.
	Posts bridge.PostWriter
	// Renderer turns messages into blocks. Nil uses one without a
	// directory, which shows placeholders for mentions.
	Renderer *render.Renderer
	// Media finds the stored images of Slack files, and a miss enqueues
	// a download. Nil leaves all files out of posts.
	Media bridge.MediaIndex
	// HideReaction is the emoji name whose reaction hides a post;
	// DefaultHideReaction when empty.
	HideReaction string
	// OnRateLimited runs when Slack reports that it stopped sending
	// events for a while, so the caller can catch up. May be nil.
	OnRateLimited func()
	// Logger receives the receiver's logs. Nil uses slog.Default.
	Logger *slog.Logger
}

// Receiver handles Slack Events API requests.
type Receiver struct {
	cfg        Config
	base       *slog.Logger // the caller's logger, for parts with a component of their own
	log        *slog.Logger
	rejectLogs *logLimiter
}

// New returns a Receiver. It returns an error when a required field of cfg
// is missing.
func New(cfg Config) (*Receiver, error) {
	switch {
	case cfg.SigningSecret == "":
		return nil, errors.New("receiver: missing signing secret")
	case cfg.Channels == nil:
		return nil, errors.New("receiver: missing channels")
	case cfg.Posts == nil:
		return nil, errors.New("receiver: missing post writer")
	}
	if cfg.Renderer == nil {
		cfg.Renderer = render.New(render.Options{})
	}
	if cfg.HideReaction == "" {
		cfg.HideReaction = DefaultHideReaction
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Receiver{cfg: cfg, base: log, log: log.With("component", "receiver"),
		rejectLogs: newLogLimiter()}, nil
}

// Routes returns the router that serves POST /events; mount it at /slack.
func (rc *Receiver) Routes() chi.Router {
	r := chi.NewRouter()
	r.Post("/events", rc.ServeEvents)
	return r
}

// ServeEvents handles one Events API request.
func (rc *Receiver) ServeEvents(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			rc.reject(w, r, http.StatusRequestEntityTooLarge, "body too large", "", err)
			return
		}
		rc.reject(w, r, http.StatusBadRequest, "body unreadable", "", err)
		return
	}
	if err := rc.verify(r.Header, body); err != nil {
		rc.reject(w, r, http.StatusUnauthorized, "invalid signature", "", err)
		return
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		rc.reject(w, r, http.StatusBadRequest, "malformed JSON", "", err)
		return
	}
	rc.dispatch(w, r, body, &env)
}

// verify checks Slack's v0 signature over the raw body and rejects a
// request timestamp more than five minutes from now.
func (rc *Receiver) verify(h http.Header, body []byte) error {
	sv, err := slack.NewSecretsVerifier(h, rc.cfg.SigningSecret)
	if err != nil {
		return err
	}
	if _, err := sv.Write(body); err != nil {
		return err
	}
	return sv.Ensure()
}

// envelope is the part of an Events API body needed to route it.
type envelope struct {
	Type      string          `json:"type"`
	Challenge string          `json:"challenge"`
	EventID   string          `json:"event_id"`
	Event     json.RawMessage `json:"event"`
}

func (rc *Receiver) dispatch(w http.ResponseWriter, r *http.Request, body []byte, env *envelope) {
	log := rc.log.With("event_id", env.EventID)
	if n := r.Header.Get("X-Slack-Retry-Num"); n != "" {
		log.Warn("slack retried an event", "retry_num", n,
			"retry_reason", r.Header.Get("X-Slack-Retry-Reason"))
	}
	switch env.Type {
	case "url_verification":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, env.Challenge)
		log.Info("returned url verification challenge")
	case "app_rate_limited":
		log.Warn("slack rate-limited event delivery; starting catch-up")
		if rc.cfg.OnRateLimited != nil {
			go rc.cfg.OnRateLimited()
		}
		w.WriteHeader(http.StatusOK)
	case "event_callback":
		rc.handleCallback(w, r, body, env, log)
	default:
		log.Debug("ignored envelope", "type", env.Type)
		w.WriteHeader(http.StatusOK)
	}
}

func (rc *Receiver) handleCallback(w http.ResponseWriter, r *http.Request, body []byte, env *envelope, log *slog.Logger) {
	changes, err := rc.decode(r.Context(), body, env, log)
	if err != nil {
		rc.reject(w, r, http.StatusBadRequest, "malformed event", env.EventID, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	for _, c := range changes {
		out, err := rc.cfg.Posts.Apply(ctx, c)
		if err != nil {
			log.Error("failed to store change", "channel_id", c.ChannelID, "slack_ts", c.TS,
				"op", c.Op.String(), "error", err)
			writeError(w, http.StatusInternalServerError, "storing the event failed; Slack will retry")
			return
		}
		log.Debug("applied change", "channel_id", c.ChannelID, "slack_ts", c.TS,
			"op", c.Op.String(), "changed", out.Changed, "reason", out.Reason)
	}
	w.WriteHeader(http.StatusOK)
}

// reject responds with an error status, changes nothing and logs the
// reason once.
func (rc *Receiver) reject(w http.ResponseWriter, r *http.Request, status int, reason, eventID string, err error) {
	if suppressed, ok := rc.rejectLogs.allow(); ok {
		rc.log.Warn("rejected slack request", "status", status, "reason", reason,
			"event_id", eventID, "client_ip", r.RemoteAddr, "error", err,
			"suppressed_since_last", suppressed)
	}
	writeError(w, status, reason)
}

// logLimiter caps how many lines a flood of bad requests can write, and
// counts the lines it dropped so the next line reports them.
type logLimiter struct {
	limiter    *rate.Limiter
	suppressed atomic.Int64
}

// Rejection logs allowed: a burst of rejectLogBurst, then rejectLogRate a
// second. Slack itself never sends a bad request, so a flood is an attack
// or a misconfigured proxy, and a few lines a second show that.
const (
	rejectLogRate  = 5
	rejectLogBurst = 50
)

func newLogLimiter() *logLimiter {
	return &logLimiter{limiter: rate.NewLimiter(rejectLogRate, rejectLogBurst)}
}

// allow reports whether to write a line, and how many were dropped since
// the last one written.
func (l *logLimiter) allow() (int64, bool) {
	if !l.limiter.Allow() {
		l.suppressed.Add(1)
		return 0, false
	}
	return l.suppressed.Swap(0), true
}

func writeError(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": message})
}
