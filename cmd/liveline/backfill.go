package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os/signal"
	"syscall"
	"time"

	"github.com/liveline/liveline/bridge"
	"github.com/liveline/liveline/receiver"
	"github.com/liveline/liveline/receiver/render"
	"github.com/liveline/liveline/store"
)

// backfillFlags are the flags of "liveline backfill".
type backfillFlags struct {
	config    string
	channel   string
	since     time.Duration
	logFormat string
	logLevel  string
}

func parseBackfillFlags(args []string, stderr io.Writer) (*backfillFlags, error) {
	f := &backfillFlags{}
	fs := flag.NewFlagSet("liveline backfill", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.config, "config", "", "path of the YAML config file (required)")
	fs.StringVar(&f.channel, "channel", "",
		"Slack id of one mapped channel to backfill; all mapped channels when empty")
	fs.DurationVar(&f.since, "since", 0,
		"read history this far back, such as 6h; the channel's whole history when 0")
	fs.StringVar(&f.logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&f.logLevel, "log-level", "info",
		"minimum log level: debug, info, warn or error (LOG_LEVEL overrides)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	switch {
	case fs.NArg() > 0:
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case f.config == "":
		return nil, errors.New("missing --config: pass the path of the config that liveline serve uses")
	case f.since < 0:
		return nil, fmt.Errorf("invalid --since %v: use a positive duration such as 6h, or 0 for the whole history", f.since)
	}
	return f, nil
}

// runBackfill reconciles the selected channels with Slack's history once,
// the same way catch-up does, and prints one line per channel.
func runBackfill(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags, err := parseBackfillFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "liveline backfill: %v\n", err)
		return exitUsage
	}
	log, err := newLogger(stderr, flags.logFormat, flags.logLevel)
	if err != nil {
		fmt.Fprintf(stderr, "liveline backfill: %v\n", err)
		return exitUsage
	}
	cfg, channels, err := loadBackfillConfig(flags)
	if err != nil {
		fmt.Fprintf(stderr, "liveline backfill: %v\n", err)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return backfill(ctx, cfg, channels, flags.since, log, stdout)
}

// loadBackfillConfig loads and validates the config and returns the
// channels to backfill.
func loadBackfillConfig(flags *backfillFlags) (*Config, []bridge.Channel, error) {
	cfg, err := LoadConfig(flags.config)
	if err != nil {
		return nil, nil, err
	}
	if err := cfg.Validate(false); err != nil {
		return nil, nil, err
	}
	if cfg.Slack.BotToken == "" {
		return nil, nil, &ConfigError{Path: "slack.bot_token", Err: errors.New(
			"missing: backfill reads Slack's history with the bot token, for example ${SLACK_BOT_TOKEN}")}
	}
	mapped, err := cfg.channels()
	if err != nil {
		return nil, nil, err
	}
	if flags.channel == "" {
		return cfg, mapped.All(), nil
	}
	ch, ok := mapped.ByID(flags.channel)
	if !ok {
		return nil, nil, fmt.Errorf("channel %q is not mapped in %s: add it under channels: first",
			flags.channel, flags.config)
	}
	return cfg, []bridge.Channel{ch}, nil
}

func backfill(ctx context.Context, cfg *Config, channels []bridge.Channel, since time.Duration, log *slog.Logger, stdout io.Writer) int {
	db, err := store.Open(ctx, cfg.Database)
	if err != nil {
		log.Error("backfill failed", "error", err)
		return exitFailed
	}
	defer db.Close()
	catchUp, err := newBackfillCatchUp(cfg, db, log)
	if err != nil {
		log.Error("backfill failed", "error", err)
		return exitFailed
	}
	from := time.Unix(0, 0)
	if since > 0 {
		from = time.Now().Add(-since)
	}
	code := exitOK
	for _, ch := range channels {
		res, err := catchUp.Channel(ctx, ch.ID, from)
		if err != nil {
			log.Error("backfill failed", "channel_id", ch.ID, "error", err)
			code = exitFailed
			continue
		}
		fmt.Fprintf(stdout, "%s: %d messages in %d pages from %s to %s: %d changed, %d removed\n",
			ch.ID, res.Messages, res.Pages, res.Oldest, res.Latest, res.Changed, res.Removed)
	}
	return code
}

// newBackfillCatchUp builds a receiver with the same settings as serve's,
// whose message rules the catch-up uses. Names and images come from the
// caches; what is missing is queued for the jobs that serve runs.
func newBackfillCatchUp(cfg *Config, db *store.DB, log *slog.Logger) (*receiver.CatchUp, error) {
	channels, err := cfg.channels()
	if err != nil {
		return nil, err
	}
	rc, err := receiver.New(receiver.Config{
		SigningSecret: cfg.Slack.SigningSecret,
		Channels:      channels,
		Posts:         db,
		Renderer: render.New(render.Options{Directory: receiver.NewDirectory(db, nil, log),
			ShowAvatars: cfg.ShowAvatars}),
		Media:        db,
		HideReaction: cfg.HideReaction,
		Logger:       log,
	})
	if err != nil {
		return nil, err
	}
	return newCatchUp(cfg, rc, db, receiver.WaitFor)
}
