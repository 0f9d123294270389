package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Validate checks every key. With demo set, missing Slack credentials are
// allowed, because the demo signs its own events and calls no Web API.
func (c *Config) Validate(demo bool) error {
	if err := c.checkEnv(demo); err != nil {
		return err
	}
	if err := c.parseDurations(); err != nil {
		return err
	}
	if !demo && c.Slack.SigningSecret == "" {
		return &ConfigError{Path: "slack.signing_secret", Err: errors.New(
			"missing: set it to the app's Signing Secret, for example ${SLACK_SIGNING_SECRET}")}
	}
	if err := checkURL("slack.api_url", c.Slack.APIURL); err != nil {
		return err
	}
	if err := c.checkServing(); err != nil {
		return err
	}
	if err := c.validateJobs(); err != nil {
		return err
	}
	_, err := c.channels()
	return err
}

// checkEnv reports the first ${NAME} whose variable is not set, by key.
func (c *Config) checkEnv(demo bool) error {
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
	return nil
}

// parseDurations reads polling_interval, catch_up_interval and
// cache_max_age.
func (c *Config) parseDurations() error {
	d, err := time.ParseDuration(c.PollingInterval)
	if err != nil || d < 100*time.Millisecond || d > 10*time.Minute {
		return &ConfigError{Path: "polling_interval", Err: fmt.Errorf(
			"invalid duration %q: use a Go duration from 100ms to 10m, such as 3s", c.PollingInterval)}
	}
	c.pollingInterval = d
	if c.catchUpInterval, err = parseCatchUpInterval(c.CatchUpInterval); err != nil {
		return err
	}
	c.cacheMaxAge, err = parseCacheMaxAge(c.CacheMaxAge)
	return err
}

// checkServing checks the keys of the HTTP side: public_url,
// allowed_origins, listen, hide_reaction and database.
func (c *Config) checkServing() error {
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
	return nil
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
