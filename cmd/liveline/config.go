package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/liveline/liveline/bridge"
	"github.com/liveline/liveline/receiver"
)

// Defaults for keys the config leaves out.
const (
	DefaultListen          = "127.0.0.1:8080"
	DefaultDatabase        = "liveline.db"
	DefaultPollingInterval = 3 * time.Second
	DefaultSlackAPIURL     = "https://slack.com/api/"
	// DefaultMediaDirName is the media folder, next to the database.
	DefaultMediaDirName = "media"
	// DefaultJobMaxAttempts is how often a failing background job runs
	// before it is given up.
	DefaultJobMaxAttempts = 8
	// MaxJobMaxAttempts bounds jobs.max_attempts.
	MaxJobMaxAttempts = 50
	// DefaultUserName is the name field shown for users. A public news
	// page credits people by their real names, not their Slack handles.
	DefaultUserName = UserNameReal
	// DefaultCatchUpInterval is how often channels are reconciled with
	// Slack's history.
	DefaultCatchUpInterval = 5 * time.Minute
	// DefaultCacheMaxAge lets a proxy or browser serve a front page's
	// readers from its cache for one second, so the server gets about one
	// request per channel and URL per second from each cache.
	DefaultCacheMaxAge = time.Second
)

// Values of slack.user_name.
const (
	UserNameDisplay = "display_name"
	UserNameReal    = "real_name"
)

// Bounds of catch_up_interval when it is not 0. Each run reads every
// channel's whole covered history, one conversations.history call per
// 200 messages, so the lower bound limits how much of Slack's rate limit
// catch-up spends.
const (
	minCatchUpInterval = 30 * time.Second
	maxCatchUpInterval = 24 * time.Hour
)

// maxCacheMaxAge bounds cache_max_age: past it, readers behind a cache
// would see changes much later than the polling interval suggests.
const maxCacheMaxAge = time.Hour

// Config is the YAML configuration. config.example.yaml shows every key.
type Config struct {
	Listen          string          `yaml:"listen"`
	Database        string          `yaml:"database"`
	PollingInterval string          `yaml:"polling_interval"`
	CacheMaxAge     string          `yaml:"cache_max_age"`
	PublicURL       string          `yaml:"public_url"`
	AllowedOrigins  []string        `yaml:"allowed_origins"`
	HideReaction    string          `yaml:"hide_reaction"`
	ShowAvatars     bool            `yaml:"show_avatars"`
	MediaDir        string          `yaml:"media_dir"`
	Jobs            JobsConfig      `yaml:"jobs"`
	CatchUpInterval string          `yaml:"catch_up_interval"`
	Slack           SlackConfig     `yaml:"slack"`
	Channels        []ChannelConfig `yaml:"channels"`

	// demo is set by serve --demo, which signs its own events and calls
	// no Web API.
	demo bool
	// pollingInterval is PollingInterval parsed by Validate.
	pollingInterval time.Duration
	// catchUpInterval is CatchUpInterval parsed by Validate; 0 turns
	// the start and periodic catch-up off.
	catchUpInterval time.Duration
	// cacheMaxAge is CacheMaxAge parsed by Validate.
	cacheMaxAge time.Duration
	// missingEnv lists ${NAME} references whose variable is not set, by
	// the key they appear in.
	missingEnv map[string]string
}

// SlackConfig holds the Slack app's credentials and API location.
type SlackConfig struct {
	SigningSecret string `yaml:"signing_secret"`
	BotToken      string `yaml:"bot_token"`
	APIURL        string `yaml:"api_url"`
	// UserName is the profile field shown for a user: display_name
	// (falling back to the real name) or real_name.
	UserName string `yaml:"user_name"`
}

// JobsConfig configures the background jobs that look up names and
// download images.
type JobsConfig struct {
	// MaxAttempts is how often a failing job runs before it is given up;
	// nil means DefaultJobMaxAttempts.
	MaxAttempts *int `yaml:"max_attempts"`
}

// ChannelConfig maps one Slack channel to a live page.
type ChannelConfig struct {
	ChannelID   string `yaml:"channel_id"`
	Slug        string `yaml:"slug"`
	Title       string `yaml:"title"`
	Description string `yaml:"description"`
	Threads     string `yaml:"threads"`
}

// ConfigError is a configuration problem. The program exits with status 2.
type ConfigError struct {
	Path string
	Err  error
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("config %s: %v", e.Path, e.Err)
}

func (e *ConfigError) Unwrap() error { return e.Err }

// LoadConfig reads the YAML file at path, replaces ${NAME} in string values
// with environment variables and fills defaults. It does not validate:
// call Validate.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &ConfigError{Path: path, Err: fmt.Errorf("cannot read file: %w", err)}
	}
	var cfg Config
	if err := yaml.UnmarshalWithOptions(data, &cfg, yaml.DisallowUnknownField()); err != nil {
		return nil, &ConfigError{Path: path, Err: errors.New(yaml.FormatError(err, false, true))}
	}
	cfg.missingEnv = map[string]string{}
	expandEnv(reflect.ValueOf(&cfg).Elem(), "", cfg.missingEnv)
	cfg.applyDefaults()
	return &cfg, nil
}

var envReference = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// expandEnv replaces ${NAME} in every exported string field below v and
// records each unset NAME under its YAML key.
func expandEnv(v reflect.Value, key string, missing map[string]string) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(envReference.ReplaceAllStringFunc(v.String(), func(ref string) string {
			name := envReference.FindStringSubmatch(ref)[1]
			value, ok := os.LookupEnv(name)
			if !ok {
				missing[key] = name
			}
			return value
		}))
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			expandEnv(v.Index(i), fmt.Sprintf("%s[%d]", key, i), missing)
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			child := name
			if key != "" {
				child = key + "." + name
			}
			expandEnv(v.Field(i), child, missing)
		}
	}
}

func (c *Config) applyDefaults() {
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.Database == "" {
		c.Database = DefaultDatabase
	}
	if c.PollingInterval == "" {
		c.PollingInterval = DefaultPollingInterval.String()
	}
	if c.Slack.APIURL == "" {
		c.Slack.APIURL = DefaultSlackAPIURL
	}
	if c.HideReaction == "" {
		c.HideReaction = receiver.DefaultHideReaction
	}
	if c.Slack.UserName == "" {
		c.Slack.UserName = DefaultUserName
	}
	if c.MediaDir == "" {
		c.MediaDir = filepath.Join(filepath.Dir(c.Database), DefaultMediaDirName)
	}
	if c.Jobs.MaxAttempts == nil {
		n := DefaultJobMaxAttempts
		c.Jobs.MaxAttempts = &n
	}
	if c.CatchUpInterval == "" {
		c.CatchUpInterval = DefaultCatchUpInterval.String()
	}
	if c.CacheMaxAge == "" {
		c.CacheMaxAge = DefaultCacheMaxAge.String()
	}
}

// channels validates the channel list and indexes it.
func (c *Config) channels() (*bridge.Channels, error) {
	if len(c.Channels) == 0 {
		return nil, &ConfigError{Path: "channels", Err: errors.New(
			"no channels mapped: add at least one {channel_id, slug, title}")}
	}
	list := make([]bridge.Channel, 0, len(c.Channels))
	for i, ch := range c.Channels {
		key := fmt.Sprintf("channels[%d]", i)
		if !channelIDPattern.MatchString(ch.ChannelID) {
			return nil, &ConfigError{Path: key + ".channel_id", Err: fmt.Errorf(
				"invalid channel id %q: copy the id (such as C0123ABCD) from the channel's details in Slack",
				ch.ChannelID)}
		}
		if !slugPattern.MatchString(ch.Slug) {
			return nil, &ConfigError{Path: key + ".slug", Err: fmt.Errorf(
				"invalid slug %q: use lowercase letters, digits and dashes", ch.Slug)}
		}
		threads, err := bridge.ParseThreadPolicy(ch.Threads)
		if err != nil {
			return nil, &ConfigError{Path: key + ".threads", Err: err}
		}
		list = append(list, bridge.Channel{ID: ch.ChannelID, Slug: ch.Slug, Title: ch.Title,
			Description: ch.Description, Threads: threads})
	}
	idx, err := bridge.NewChannels(list)
	if err != nil {
		return nil, &ConfigError{Path: "channels", Err: err}
	}
	return idx, nil
}

// Redacted returns a copy that is safe to log: secrets are replaced.
func (c Config) Redacted() Config {
	if c.Slack.SigningSecret != "" {
		c.Slack.SigningSecret = "[redacted]"
	}
	if c.Slack.BotToken != "" {
		c.Slack.BotToken = "[redacted]"
	}
	return c
}
