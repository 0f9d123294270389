package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
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

// Validate checks every key. With demo set, missing Slack credentials are
// allowed, because the demo signs its own events and calls no Web API.
func (c *Config) Validate(demo bool) error {
	keys := make([]string, 0, len(c.missingEnv))
	for key := range c.missingEnv {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		name := c.missingEnv[key]
		if demo && strings.HasPrefix(key, "slack.") {
			continue
		}
		return &ConfigError{Path: key, Err: fmt.Errorf(
			"environment variable %s is not set: export it or remove ${%s} from the file", name, name)}
	}
	d, err := time.ParseDuration(c.PollingInterval)
	if err != nil || d < 100*time.Millisecond || d > 10*time.Minute {
		return &ConfigError{Path: "polling_interval", Err: fmt.Errorf(
			"invalid duration %q: use a Go duration from 100ms to 10m, such as 3s", c.PollingInterval)}
	}
	c.pollingInterval = d
	if c.catchUpInterval, err = parseCatchUpInterval(c.CatchUpInterval); err != nil {
		return err
	}

	if c.cacheMaxAge, err = parseCacheMaxAge(c.CacheMaxAge); err != nil {
		return err
	}
	if !demo && c.Slack.SigningSecret == "" {
		return &ConfigError{Path: "slack.signing_secret", Err: errors.New(
			"missing: set it to the app's Signing Secret, for example ${SLACK_SIGNING_SECRET}")}
	}
	if err := checkURL("slack.api_url", c.Slack.APIURL); err != nil {
		return err
	}
	if c.PublicURL != "" {
		if err := checkPublicURL(c.PublicURL); err != nil {
			return err
		}
		c.PublicURL = strings.TrimSuffix(c.PublicURL, "/")
	}
	if err := checkOrigins(c.AllowedOrigins); err != nil {
		return err
	}
	if err := checkListen(c.Listen); err != nil {
		return err
	}
	if !hideReactionPattern.MatchString(c.HideReaction) {
		return &ConfigError{Path: "hide_reaction", Err: fmt.Errorf(
			"invalid emoji name %q: use the name without colons, such as no_entry_sign", c.HideReaction)}
	}
	if dir := filepath.Dir(c.Database); dir != "" {
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			return &ConfigError{Path: "database", Err: fmt.Errorf(
				"folder %s does not exist: create it or use a file in an existing folder", dir)}
		}
	}
	if err := c.validateJobs(); err != nil {
		return err
	}
	_, err = c.channels()
	return err
}

// validateJobs checks the keys of background jobs and media.
func (c *Config) validateJobs() error {
	if strings.TrimSpace(c.MediaDir) == "" {
		return &ConfigError{Path: "media_dir", Err: errors.New(
			"empty: set a folder for downloaded images, or remove the key for the default")}
	}
	if n := c.jobMaxAttempts(); n < 1 || n > MaxJobMaxAttempts {
		return &ConfigError{Path: "jobs.max_attempts", Err: fmt.Errorf(
			"invalid value %d: use a number from 1 to %d", n, MaxJobMaxAttempts)}
	}
	if c.Slack.UserName != UserNameDisplay && c.Slack.UserName != UserNameReal {
		return &ConfigError{Path: "slack.user_name", Err: fmt.Errorf(
			"invalid value %q: use %s or %s", c.Slack.UserName, UserNameDisplay, UserNameReal)}
	}
	return nil
}

// jobMaxAttempts returns jobs.max_attempts or its default.
func (c *Config) jobMaxAttempts() int {
	if c.Jobs.MaxAttempts == nil {
		return DefaultJobMaxAttempts
	}
	return *c.Jobs.MaxAttempts
}

func parseCatchUpInterval(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err == nil && (d == 0 || (d >= minCatchUpInterval && d <= maxCatchUpInterval)) {
		return d, nil
	}
	return 0, &ConfigError{Path: "catch_up_interval", Err: fmt.Errorf(
		"invalid duration %q: use 0 to turn catch-up off, or a Go duration from %v to %v, such as 5m",
		s, minCatchUpInterval, maxCatchUpInterval)}
}

// parseCacheMaxAge reads cache_max_age. Cache-Control's max-age counts
// whole seconds, so a fraction is rejected rather than rounded.
func parseCacheMaxAge(raw string) (time.Duration, error) {
	d, err := time.ParseDuration(raw)
	if err != nil || d < 0 || d > maxCacheMaxAge || d%time.Second != 0 {
		return 0, &ConfigError{Path: "cache_max_age", Err: fmt.Errorf(
			"invalid duration %q: use whole seconds from 0s to %v, such as 1s", raw, maxCacheMaxAge)}
	}
	return d, nil
}

// checkOrigins checks that each allowed origin is "*" or a browser origin,
// scheme://host[:port] with no path: anything else never matches the
// Origin header a browser sends, so the widget would fail without a word.
func checkOrigins(origins []string) error {
	for i, o := range origins {
		if o == "*" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return &ConfigError{Path: fmt.Sprintf("allowed_origins[%d]", i), Err: fmt.Errorf(
				"invalid origin %q: use scheme://host[:port] with no path, such as https://news.example.com, or *", o)}
		}
	}
	return nil
}

// hideReactionPattern matches a Slack emoji name without colons.
var hideReactionPattern = regexp.MustCompile(`^[a-z0-9_+'-]{1,100}$`)

func checkListen(listen string) error {
	_, port, err := net.SplitHostPort(listen)
	if err == nil {
		var n int
		n, err = strconv.Atoi(port)
		if err == nil && (n < 0 || n > 65535) {
			err = errors.New("port out of range")
		}
	}
	if err != nil {
		return &ConfigError{Path: "listen", Err: fmt.Errorf(
			"invalid address %q: use host:port with a numeric port, such as 127.0.0.1:8080 or :8080", listen)}
	}
	return nil
}

// checkPublicURL checks public_url: Liveline serves its paths from the
// root, so a URL with a path would point readers at pages that do not
// exist.
func checkPublicURL(raw string) error {
	if err := checkURL("public_url", raw); err != nil {
		return err
	}
	if u, _ := url.Parse(raw); (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return &ConfigError{Path: "public_url", Err: fmt.Errorf(
			"invalid URL %q: use scheme://host[:port] with no path; serving under a path prefix is not supported", raw)}
	}
	return nil
}

func checkURL(key, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &ConfigError{Path: key, Err: fmt.Errorf(
			"invalid URL %q: use an absolute http or https URL", raw)}
	}
	return nil
}

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,99}$`)
var channelIDPattern = regexp.MustCompile(`^[CGD][A-Z0-9]{2,30}$`)

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
