package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const validConfig = `
listen: 127.0.0.1:0
database: %DB%
slack:
  signing_secret: ${LIVELINE_TEST_SECRET}
channels:
  - channel_id: C0LIVE01
    slug: election
    title: Election night
`

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	body = strings.ReplaceAll(body, "%DB%", filepath.Join(dir, "liveline.db"))
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadConfig_ExpandsEnvAndDefaults(t *testing.T) {
	t.Setenv("LIVELINE_TEST_SECRET", "s3cret")
	cfg, err := LoadConfig(writeConfig(t, validConfig))
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(false); err != nil {
		t.Fatal(err)
	}
	if cfg.Slack.SigningSecret != "s3cret" {
		t.Errorf("signing_secret = %q, want the environment's value", cfg.Slack.SigningSecret)
	}
	if cfg.pollingInterval.String() != "3s" {
		t.Errorf("polling_interval default = %v, want 3s", cfg.pollingInterval)
	}
	if cfg.Slack.APIURL != DefaultSlackAPIURL {
		t.Errorf("slack.api_url default = %q", cfg.Slack.APIURL)
	}
	if red := cfg.Redacted(); strings.Contains(red.Slack.SigningSecret, "s3cret") {
		t.Errorf("Redacted keeps the secret")
	}
}

func TestExampleConfig_Valid(t *testing.T) {
	t.Setenv("SLACK_SIGNING_SECRET", "x")
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-test")
	cfg, err := LoadConfig("../../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(false); err != nil {
		t.Errorf("config.example.yaml: %v", err)
	}
}

func TestServe_ConfigErrors(t *testing.T) {
	tests := []struct {
		name   string
		config string
		env    string
		want   string
	}{
		{"unset variable", validConfig, "", "slack.signing_secret: environment variable LIVELINE_TEST_SECRET is not set"},
		{"bad YAML", "listen: [unclosed\n", "x", "config"},
		{"unknown key", validConfig + "colour: blue\n", "x", `unknown field "colour"`},
		{"duplicate channel_id", validConfig + "  - channel_id: C0LIVE01\n    slug: other\n", "x", `duplicate channel_id "C0LIVE01"`},
		{"duplicate slug", validConfig + "  - channel_id: C0LIVE02\n    slug: election\n", "x", `duplicate slug "election"`},
		{"missing signing secret", strings.Replace(validConfig, "${LIVELINE_TEST_SECRET}", `""`, 1), "x", "slack.signing_secret: missing"},
		{"bad polling interval", validConfig + "polling_interval: often\n", "x", `polling_interval: invalid duration "often"`},
		{"bad thread policy", validConfig + "    threads: some\n", "x", "channels[0].threads"},
		{"no channels", "slack:\n  signing_secret: x\n", "x", "channels: no channels mapped"},
		{"origin with a path", validConfig + "allowed_origins: [\"https://news.example.com/\"]\n", "x", `allowed_origins[0]: invalid origin "https://news.example.com/"`},
		{"origin without scheme", validConfig + "allowed_origins: [news.example.com]\n", "x", `allowed_origins[0]: invalid origin "news.example.com"`},
		{"bad listen address", strings.Replace(validConfig, "listen: 127.0.0.1:0", "listen: nope", 1), "x", `listen: invalid address "nope"`},
		{"listen port not a number", strings.Replace(validConfig, "listen: 127.0.0.1:0", "listen: 127.0.0.1:notaport", 1), "x", `listen: invalid address "127.0.0.1:notaport"`},
		{"hide reaction with colons", validConfig + "hide_reaction: \":no_entry_sign:\"\n", "x", `hide_reaction: invalid emoji name ":no_entry_sign:"`},
		{"public_url with a path", validConfig + "public_url: https://news.example.com/live\n", "x", `public_url: invalid URL "https://news.example.com/live"`},
		{"database in a missing folder", strings.Replace(validConfig, "database: %DB%", "database: /nonexistent/folder/liveline.db", 1), "x", "database: folder /nonexistent/folder does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.env != "" {
				t.Setenv("LIVELINE_TEST_SECRET", tt.env)
			} else {
				os.Unsetenv("LIVELINE_TEST_SECRET")
			}
			path := writeConfig(t, tt.config)
			var stdout, stderr bytes.Buffer
			// A config that passed by mistake would start the server: the
			// deadline stops it, and the exit status check fails.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			code := run(ctx, []string{"serve", "--config", path}, &stdout, &stderr)
			if code != exitUsage {
				t.Errorf("exit status = %d, want %d", code, exitUsage)
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr = %q, want it to contain %q", stderr.String(), tt.want)
			}
			if n := strings.Count(strings.TrimSpace(stderr.String()), "\n"); n > 8 {
				t.Errorf("error spans %d lines, want one clear message", n)
			}
		})
	}
}

func TestServe_MissingConfigFile(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"serve", "--config", "/nonexistent/liveline.yaml"}, &stdout, &stderr)
	if code != exitUsage {
		t.Errorf("exit status = %d, want %d", code, exitUsage)
	}
	if !strings.Contains(stderr.String(), "cannot read file") {
		t.Errorf("stderr = %q", stderr.String())
	}
}

func TestServe_DemoAllowsMissingCredentials(t *testing.T) {
	os.Unsetenv("LIVELINE_TEST_SECRET")
	cfg, err := LoadConfig(writeConfig(t, validConfig))
	if err != nil {
		t.Fatal(err)
	}
	flags := &serveFlags{demo: true}
	if err := prepareConfig(cfg, flags); err != nil {
		t.Fatalf("demo config: %v", err)
	}
	if len(cfg.Slack.SigningSecret) < 32 {
		t.Errorf("demo signing secret = %q, want a random one", cfg.Slack.SigningSecret)
	}
	cfg.Slack.BotToken = "xoxb-set-in-the-environment"
	if err := prepareConfig(cfg, flags); err != nil {
		t.Fatal(err)
	}
	if cfg.Slack.BotToken != "" {
		t.Errorf("demo kept the bot token, so it would call Slack's Web API")
	}
}

func TestConfig_PublicURLTrailingSlash(t *testing.T) {
	t.Setenv("LIVELINE_TEST_SECRET", "x")
	cfg, err := LoadConfig(writeConfig(t, validConfig+"public_url: https://live.example.org/\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(false); err != nil {
		t.Fatal(err)
	}
	if cfg.PublicURL != "https://live.example.org" {
		t.Errorf("public_url = %q, want it without the trailing slash", cfg.PublicURL)
	}
}
