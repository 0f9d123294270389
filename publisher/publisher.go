// Package publisher serves live pages to readers: the interval-polling
// protocol (POST handshake, HEAD Last-Update-At, GET updates), the
// server-rendered reader page, its Atom feed, widget.js and the health
// check.
package publisher

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/liveline/liveline/bridge"
)

// DefaultPollingInterval is how often readers check for updates.
const DefaultPollingInterval = 3 * time.Second

// Config configures a Publisher.
type Config struct {
	// Channels are the mapped channels; all others are 404.
	Channels *bridge.Channels
	// Posts reads what readers see. When it also implements
	// bridge.ChangeReader, a channel's snapshot is patched with the
	// changed posts only; otherwise Refresh reads every post again.
	Posts bridge.PostReader
	// PollingInterval is sent to readers; DefaultPollingInterval when 0.
	PollingInterval time.Duration
	// CacheMaxAge is the max-age sent with HEAD and GET polling
	// responses, in whole seconds. Zero sends max-age=0: caches may store
	// a response but must revalidate it with its ETag every time.
	CacheMaxAge time.Duration
	// AllowedOrigins may call the polling endpoints from a browser. Empty
	// allows every origin, so the widget works on any news site.
	AllowedOrigins []string
	// PublicURL is the base URL readers reach Liveline at, such as
	// https://live.example.org. Empty uses root-relative URLs.
	PublicURL string
	// MediaDir is the folder of downloaded images served at
	// /media/{sha256}.{ext}. Empty serves no images.
	MediaDir string
	// Ping checks the database for /healthz. Nil always reports healthy.
	Ping func(ctx context.Context) error
	// Logger receives the publisher's logs. Nil uses slog.Default.
	Logger *slog.Logger
	// Now is the wall clock that dates Last-Modified. Nil uses time.Now.
	Now func() time.Time
}

// Publisher serves readers.
type Publisher struct {
	cfg     Config
	log     *slog.Logger
	changes bridge.ChangeReader // nil when Posts cannot list changes
	states  map[string]*channelState

	interval     string      // pollingInterval in milliseconds, as sent
	cacheControl []string    // Cache-Control of HEAD and GET responses
	pollingCORS  *corsPolicy // CORS of ServePolling
}

// New returns a Publisher. It returns an error when a required field of
// cfg is missing.
func New(cfg Config) (*Publisher, error) {
	if cfg.Channels == nil || cfg.Posts == nil {
		return nil, errors.New("publisher: missing channels or post reader")
	}
	if cfg.PollingInterval <= 0 {
		cfg.PollingInterval = DefaultPollingInterval
	}
	if cfg.CacheMaxAge < 0 {
		return nil, fmt.Errorf("publisher: invalid cache max-age %v: use 0 or more", cfg.CacheMaxAge)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	p := &Publisher{
		cfg:      cfg,
		log:      log.With("component", "publisher"),
		states:   map[string]*channelState{},
		interval: strconv.FormatInt(cfg.PollingInterval.Milliseconds(), 10),
		cacheControl: []string{"public, max-age=" +
			strconv.FormatInt(int64(cfg.CacheMaxAge/time.Second), 10)},
		pollingCORS: newCORSPolicy(cfg.AllowedOrigins),
	}
	p.changes, _ = cfg.Posts.(bridge.ChangeReader)
	for _, ch := range cfg.Channels.All() {
		p.states[ch.ID] = &channelState{}
	}
	return p, nil
}

// Routes returns the router for every reader-facing path.
func (p *Publisher) Routes() chi.Router {
	r := chi.NewRouter()
	// Every GET route also serves HEAD, for uptime monitors and CDNs.
	r.Use(middleware.GetHead)
	r.Group(func(r chi.Router) {
		r.Use(p.cors())
		r.Route("/live/{channel_id}/updates", p.pollingRoutes)
		r.Route("/wagtail_live/get-updates/{channel_id}", p.pollingRoutes)
	})
	r.Group(func(r chi.Router) {
		// Pages, the widget and feeds are text that shrinks to a fifth.
		r.Use(middleware.Compress(5, "text/html", "text/javascript", "application/atom+xml"))
		r.Get("/live/{slug}/feed.atom", p.serveFeed)
		r.Get("/widget.js", serveWidget)
	})
	// The reader page is compressed once per change, with its snapshot.
	r.Get("/live/{slug}", p.servePage)
	r.Get("/media/{name}", p.serveMedia)
	r.Get("/healthz", p.serveHealth)
	return r
}

func (p *Publisher) pollingRoutes(r chi.Router) {
	r.Post("/", withChannelID(p.serveHandshake))
	r.Head("/", withChannelID(p.serveHead))
	r.Get("/", withChannelID(p.serveUpdates))
}

// withChannelID passes a polling handler the channel id of the route.
func withChannelID(serve func(http.ResponseWriter, *http.Request, string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		serve(w, r, chi.URLParam(r, "channel_id"))
	}
}

func (p *Publisher) serveHealth(w http.ResponseWriter, r *http.Request) {
	if p.cfg.Ping != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := p.cfg.Ping(ctx); err != nil {
			p.log.Error("health check failed", "error", err)
			writeError(w, http.StatusServiceUnavailable, "database unavailable")
			return
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// writeError writes a JSON error with a message that explains to the client what
// to fix.
// Internal error text never reaches the response.
func writeError(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": message})
}
