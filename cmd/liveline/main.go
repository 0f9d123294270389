// Command liveline turns Slack channels into live pages.
//
//	liveline serve --config FILE [--listen ADDR] [--demo]
//	liveline backfill --config FILE [--channel ID] [--since DURATION]
//
// See README.md for the Slack app setup and config.example.yaml for every
// configuration key.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/liveline/liveline/receiver/render"
)

// Exit statuses.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

const usage = `Usage:
  liveline serve --config FILE [--listen ADDR] [--demo] [--log-format text|json] [--log-level LEVEL]
  liveline backfill --config FILE [--channel ID] [--since DURATION]

Commands:
  serve      run the Slack receiver and the reader pages
  backfill   reconcile mapped channels with Slack's history once, then exit

Run "liveline COMMAND -h" for the flags.
`

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr)
	case "backfill":
		return runBackfill(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "liveline: unknown command %q\n\n%s", args[0], usage)
	return exitUsage
}

// serveFlags are the flags of "liveline serve".
type serveFlags struct {
	config    string
	listen    string
	demo      bool
	logFormat string
	logLevel  string
}

func parseServeFlags(args []string, stderr io.Writer) (*serveFlags, error) {
	f := &serveFlags{}
	fs := flag.NewFlagSet("liveline serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.config, "config", "", "path of the YAML config file (required)")
	fs.StringVar(&f.listen, "listen", "", "address to listen on, overriding listen: in the config")
	fs.BoolVar(&f.demo, "demo", false,
		"replay a sample live blog into the first mapped channel; Slack credentials may be unset")
	fs.StringVar(&f.logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&f.logLevel, "log-level", "info",
		"minimum log level: debug, info, warn or error (LOG_LEVEL overrides)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if f.config == "" {
		return nil, errors.New("missing --config: pass the path of a YAML config such as config.example.yaml")
	}
	return f, nil
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags, err := parseServeFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "liveline serve: %v\n", err)
		return exitUsage
	}
	log, err := newLogger(stderr, flags.logFormat, flags.logLevel)
	if err != nil {
		fmt.Fprintf(stderr, "liveline serve: %v\n", err)
		return exitUsage
	}
	cfg, err := LoadConfig(flags.config)
	if err == nil {
		err = prepareConfig(cfg, flags)
	}
	if err != nil {
		fmt.Fprintf(stderr, "liveline: %v\n", err)
		return exitUsage
	}
	log.Info("config loaded", "path", flags.config, "listen", cfg.Listen, "database", cfg.Database,
		"polling_interval", cfg.pollingInterval.String(), "channels", len(cfg.Channels), "demo", flags.demo)
	return serve(ctx, cfg, flags, log, stdout)
}

// prepareConfig applies the flags and validates. In demo mode a missing
// signing secret is replaced with a random one that only the demo uses,
// and the bot token is dropped so the demo makes no Web API calls.
func prepareConfig(cfg *Config, flags *serveFlags) error {
	if flags.listen != "" {
		cfg.Listen = flags.listen
	}
	if err := cfg.Validate(flags.demo); err != nil {
		return err
	}
	if !flags.demo {
		return nil
	}
	if cfg.Slack.SigningSecret == "" {
		secret := make([]byte, 32)
		rand.Read(secret)
		cfg.Slack.SigningSecret = hex.EncodeToString(secret)
	}
	// The demo's channel and people are invented: asking Slack about them,
	// or catching up from its history, would fail or remove demo posts.
	cfg.Slack.BotToken = ""
	cfg.demo = true
	return nil
}

func serve(ctx context.Context, cfg *Config, flags *serveFlags, log *slog.Logger, stdout io.Writer) int {
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	var dir render.Directory
	if flags.demo {
		dir = demoDirectory{}
	}
	app, err := NewApp(ctx, cfg, log, dir)
	if err != nil {
		log.Error("start failed", "error", err)
		return exitFailed
	}
	if err := app.Start(cfg.Listen); err != nil {
		log.Error("start failed", "error", err)
		app.Close(context.Background())
		return exitFailed
	}

	first := app.channels.All()[0]
	fmt.Fprintf(stdout, "Reader page: %s/live/%s\n", app.BaseURL(), first.Slug)
	if flags.demo {
		prior, err := demoPosts(ctx, app.db, first.ID)
		if err != nil {
			log.Error("failed to read earlier demo posts", "channel_id", first.ID, "error", err)
		}
		go runDemo(ctx, app.ListenURL(), cfg.Slack.SigningSecret, first.ID, prior, demoPace, log)
	}

	code := exitOK
	select {
	case <-ctx.Done():
		log.Info("shutting down", "reason", "signal")
	case err := <-app.Done():
		if err != nil {
			log.Error("server stopped", "error", err)
			code = exitFailed
		}
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := app.Close(shutdownCtx); err != nil {
		log.Error("shutdown failed", "error", err)
		code = exitFailed
	}
	return code
}

func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	if env := os.Getenv("LOG_LEVEL"); env != "" {
		level = env
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(strings.ToUpper(level))); err != nil {
		return nil, fmt.Errorf("invalid log level %q: use debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("invalid log format %q: use text or json", format)
}
