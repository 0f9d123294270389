package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
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
	// writer is the only way changes reach db: it keeps the publisher's
	// snapshots current.
	writer   bridge.PostWriter
	server   *http.Server
	listener net.Listener
	log      *slog.Logger
	done     chan error

	// directory resolves user names for the renderer; the demo sets its
	// own, and nil shows placeholders.
	directory render.Directory
}

// NewApp opens the database and builds the HTTP handlers. cfg must have
// passed Validate.
func NewApp(ctx context.Context, cfg *Config, log *slog.Logger, dir render.Directory) (*App, error) {
	channels, err := cfg.channels()
	if err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, cfg.Database)
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, channels: channels, db: db, log: log, done: make(chan error, 1),
		directory: dir}
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
		Ping:            a.db.Ping,
		Logger:          a.log,
	})
	if err != nil {
		return nil, err
	}
	a.writer = &refreshingWriter{next: a.db, pub: pub, log: a.log.With("component", "snapshot")}
	rc, err := receiver.New(receiver.Config{
		SigningSecret: a.cfg.Slack.SigningSecret,
		Channels:      a.channels,
		Posts:         a.writer,
		Renderer:      render.New(render.Options{Directory: a.directory}),
		HideReaction:  a.cfg.HideReaction,
		Logger:        a.log,
	})
	if err != nil {
		return nil, err
	}
	r := chi.NewRouter()
	r.Use(middleware.RequestID, a.requestLogger, middleware.Recoverer)
	r.Mount("/slack", rc.Routes())
	r.Mount("/", pub.Routes())
	return r, nil
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
	a.log.Info("liveline started", "listen", ln.Addr().String(), "database", a.cfg.Database,
		"channels", len(a.channels.All()))
	return nil
}

// BaseURL returns the URL the server answers at, for printing and tests.
func (a *App) BaseURL() string {
	if a.cfg.PublicURL != "" {
		return a.cfg.PublicURL
	}
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
	err := a.server.Shutdown(ctx)
	err = errors.Join(err, a.db.Close())
	a.log.Info("liveline stopped")
	return err
}
