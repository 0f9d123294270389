package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/liveline/liveline/bridge"
	"github.com/liveline/liveline/publisher"
	"github.com/liveline/liveline/receiver"
	"github.com/liveline/liveline/receiver/render"
	"github.com/liveline/liveline/store"
)

// App is a running Liveline: database, receiver, publisher and HTTP server.
// Tests start one on 127.0.0.1:0 and stop it with Close.
type App struct {
	cfg      *Config
	channels *bridge.Channels
	db       *store.DB
	server   *http.Server
	listener net.Listener
	log      *slog.Logger
	done     chan error

	// directory resolves user names for the renderer; the demo sets its
	// own, and nil shows placeholders.
	directory render.Directory
	renderer  *render.Renderer
	// worker runs name lookups and downloads; nil without a bot token.
	worker *receiver.Worker
	// media finds stored images; nil leaves files out of posts.
	media bridge.MediaIndex

	// catchUp reconciles channels with Slack's history in the background.
	catchUp *catchUpLoop
	// cleanup deletes unused images and stale hide reactions.
	cleanup *cleanupLoop
	// outside picks up changes that another process, such as backfill,
	// committed to the database.
	outside *outsideWrites
	// wait pauses catch-up before retrying after a 429. Tests replace it
	// before Start so that they do not sleep.
	wait func(ctx context.Context, d time.Duration) error
}

// AppOption changes how NewApp builds an App. Tests use them.
type AppOption func(*appOptions)

type appOptions struct {
	httpClient      *http.Client
	now             func() time.Time
	jobInterval     time.Duration
	cleanupInterval time.Duration
}

// withSlackHTTPClient makes Web API calls and file downloads through c.
func withSlackHTTPClient(c *http.Client) AppOption {
	return func(o *appOptions) { o.httpClient = c }
}

// withJobClock sets the clock of the job worker, the name cache and the
// cleanup.
func withJobClock(now func() time.Time) AppOption {
	return func(o *appOptions) { o.now = now }
}

// withJobInterval sets how often the worker looks for due jobs; zero
// starts no loop, so the test runs jobs itself.
func withJobInterval(d time.Duration) AppOption {
	return func(o *appOptions) { o.jobInterval = d }
}

// withCleanupInterval sets how often the cleanup runs; zero starts no
// loop, so the test runs it itself.
func withCleanupInterval(d time.Duration) AppOption {
	return func(o *appOptions) { o.cleanupInterval = d }
}

// NewApp opens the database and builds the HTTP handlers. cfg must have
// passed Validate.
//
// With a bot token and no directory given, names come from a cache that
// a background worker fills through the Web API, and images are
// downloaded into cfg.MediaDir.
func NewApp(ctx context.Context, cfg *Config, log *slog.Logger, dir render.Directory, opts ...AppOption) (*App, error) {
	o := appOptions{now: time.Now, jobInterval: receiver.DefaultJobInterval,
		cleanupInterval: cleanupInterval}
	for _, opt := range opts {
		opt(&o)
	}

	channels, err := cfg.channels()
	if err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, cfg.Database)
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, channels: channels, db: db, log: log, done: make(chan error, 1),
		directory: dir, wait: receiver.WaitFor}
	a.cleanup = newCleanupLoop(db, cfg.MediaDir, o.now, o.cleanupInterval, log)
	if err := a.setUpJobs(o); err != nil {
		db.Close()
		return nil, err
	}
	handler, err := a.routes()
	if err != nil {
		db.Close()
		return nil, err
	}
	a.server = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return a, nil
}

func (a *App) routes() (http.Handler, error) {
	pub, err := publisher.New(publisher.Config{
		Channels:        a.channels,
		Posts:           a.db,
		PollingInterval: a.cfg.pollingInterval,
		CacheMaxAge:     a.cfg.cacheMaxAge,
		AllowedOrigins:  a.cfg.AllowedOrigins,
		PublicURL:       a.cfg.PublicURL,
		MediaDir:        a.cfg.MediaDir,
		Ping:            a.db.Ping,
		Logger:          a.log,
	})
	if err != nil {
		return nil, err
	}

	a.outside = newOutsideWrites(a.db, pub, a.channels.All(), a.log)
	refreshSnapshots(a.db, pub, a.outside, a.log)

	rc, err := receiver.New(receiver.Config{
		SigningSecret: a.cfg.Slack.SigningSecret,
		Channels:      a.channels,
		Posts:         a.db,
		Renderer:      a.renderer,
		Media:         a.media,
		HideReaction:  a.cfg.HideReaction,
		OnRateLimited: func() { a.catchUp.request() },
		Logger:        a.log,
	})
	if err != nil {
		return nil, err
	}

	catchUp, err := newCatchUp(a.cfg, rc, a.db, func(ctx context.Context, d time.Duration) error {
		return a.wait(ctx, d)
	})
	if err != nil {
		return nil, err
	}
	a.catchUp = newCatchUpLoop(catchUp, a.cfg.catchUpInterval, a.log)
	a.catchUp.demo = a.cfg.demo

	r := chi.NewRouter()
	r.Use(middleware.RequestID, a.requestLogger, middleware.Recoverer)
	r.Mount("/slack", rc.Routes())
	r.Mount("/", pub.Routes())
	return a.pollingFirst(pub, r), nil
}

// pollingFirst serves the polling requests, which are most of the
// traffic, before the router and its middleware: request ids, the
// request logger and CORS took more time and allocations than the
// handlers. With debug logs on, every request goes through next, so
// requestLogger logs it.
func (a *App) pollingFirst(pub *publisher.Publisher, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.log.Enabled(r.Context(), slog.LevelDebug) || !a.servePolling(pub, w, r) {
			next.ServeHTTP(w, r)
		}
	})
}

// servePolling calls pub.ServePolling and responds 500 to a panic, as
// middleware.Recoverer does on the router.
func (a *App) servePolling(pub *publisher.Publisher, w http.ResponseWriter, r *http.Request) (served bool) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		served = true
		if v == http.ErrAbortHandler {
			panic(v)
		}
		a.log.Error("panic serving request", "method", r.Method, "path", r.URL.Path,
			"error", fmt.Sprint(v), "stack", string(debug.Stack()))
		w.WriteHeader(http.StatusInternalServerError)
	}()
	return pub.ServePolling(w, r)
}

// setUpJobs builds the renderer and, with a bot token and no directory
// given, the name cache, the media index and the job worker.
func (a *App) setUpJobs(o appOptions) error {
	if a.directory != nil || a.cfg.Slack.BotToken == "" {
		a.renderer = render.New(a.renderOptions())
		return nil
	}
	a.directory = receiver.NewDirectory(a.db, o.now, a.log)
	a.renderer = render.New(a.renderOptions())
	a.media = a.db
	w, err := receiver.NewWorker(receiver.WorkerConfig{
		Queue:          a.db,
		Posts:          a.db,
		Names:          a.db,
		Media:          a.db,
		Renderer:       a.renderer,
		BotToken:       a.cfg.Slack.BotToken,
		APIURL:         a.cfg.Slack.APIURL,
		HTTPClient:     o.httpClient,
		MediaDir:       a.cfg.MediaDir,
		PreferRealName: a.cfg.Slack.UserName == UserNameReal,
		MaxAttempts:    a.cfg.jobMaxAttempts(),
		Interval:       o.jobInterval,
		Now:            o.now,
		Logger:         a.log,
	})
	if err != nil {
		return err
	}
	a.worker = w
	return nil
}

func (a *App) renderOptions() render.Options {
	return render.Options{Directory: a.directory, ShowAvatars: a.cfg.ShowAvatars,
		EmojiURL: a.customEmojiURL, UsergroupName: a.usergroupName}
}

// usergroupName returns a user group's handle from the worker's list,
// which exists only with a bot token.
func (a *App) usergroupName(ctx context.Context, id string) (string, bool) {
	if a.worker == nil {
		return "", false
	}
	return a.worker.UsergroupName(ctx, id)
}

// customEmojiURL returns a custom emoji's image from the worker's list,
// which exists only with a bot token.
func (a *App) customEmojiURL(ctx context.Context, name string) (string, bool) {
	if a.worker == nil {
		return "", false
	}
	return a.worker.EmojiURL(ctx, name)
}

// requestLogger logs each request at debug level, so a busy page does not
// flood the log at the default level.
func (a *App) requestLogger(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Skipping the wrapper when debug logs are off saves a polling
		// response two allocations and a clock read.
		if !a.log.Enabled(r.Context(), slog.LevelDebug) {
			next.ServeHTTP(w, r)
			return
		}
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		start := time.Now()
		next.ServeHTTP(ww, r)
		a.log.Debug("http request", "method", r.Method, "path", r.URL.Path,
			"status", ww.Status(), "duration", time.Since(start),
			"request_id", middleware.GetReqID(r.Context()))
	})
}

// Start listens on addr and serves in the background.
func (a *App) Start(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (set --listen or listen: to a free address)", addr, err)
	}
	a.listener = ln
	go func() {
		err := a.server.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		a.done <- err
	}()
	if a.worker != nil {
		a.worker.Start()
	}
	a.log.Info("liveline started", "listen", ln.Addr().String(), "database", a.cfg.Database,
		"channels", len(a.channels.All()))
	a.catchUp.start()
	a.outside.start(outsideWriteInterval)
	a.cleanup.start()
	return nil
}

// BaseURL returns the URL the server listens at, for printing and tests.
func (a *App) BaseURL() string {
	if a.cfg.PublicURL != "" {
		return a.cfg.PublicURL
	}
	return a.ListenURL()
}

// ListenURL returns the URL of this process's own listener, which the demo
// sends its events to even when public_url names another server.
func (a *App) ListenURL() string {
	addr := a.listener.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(addr.Port))
}

// Done returns a channel that receives the server's error when it stops.
func (a *App) Done() <-chan error { return a.done }

// Close stops accepting requests, waits for in-flight ones until ctx ends,
// and closes the database.
func (a *App) Close(ctx context.Context) error {
	a.catchUp.stop(ctx)
	a.outside.stop()
	a.cleanup.stop(ctx)
	err := a.server.Shutdown(ctx)
	if a.worker != nil {
		err = errors.Join(err, a.worker.Stop(ctx))
	}
	err = errors.Join(err, a.db.Close())
	a.log.Info("liveline stopped")
	return err
}
