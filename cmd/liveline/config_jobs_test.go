package main

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfig_JobAndMediaDefaults(t *testing.T) {
	t.Setenv("LIVELINE_TEST_SECRET", "x")
	cfg, err := LoadConfig(writeConfig(t, validConfig))
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(false); err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(filepath.Dir(cfg.Database), DefaultMediaDirName); cfg.MediaDir != want {
		t.Errorf("media_dir = %q, want %q", cfg.MediaDir, want)
	}
	if got := cfg.jobMaxAttempts(); got != DefaultJobMaxAttempts {
		t.Errorf("jobs.max_attempts = %d, want %d", got, DefaultJobMaxAttempts)
	}
	if cfg.Slack.UserName != UserNameReal {
		t.Errorf("slack.user_name = %q, want %q", cfg.Slack.UserName, UserNameReal)
	}
}

func TestConfig_InvalidJobKeys(t *testing.T) {
	t.Setenv("LIVELINE_TEST_SECRET", "x")
	tests := []struct {
		name   string
		config string
		want   string
	}{
		{"zero attempts", validConfig + "jobs:\n  max_attempts: 0\n", "jobs.max_attempts: invalid value 0"},
		{"too many attempts", validConfig + "jobs:\n  max_attempts: 1000\n",
			"jobs.max_attempts: invalid value 1000"},
		{"blank media dir", validConfig + "media_dir: \" \"\n", "media_dir: empty"},
		{"unknown user name field", strings.Replace(validConfig, "slack:\n", "slack:\n  user_name: nick\n", 1),
			`slack.user_name: invalid value "nick"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := LoadConfig(writeConfig(t, tt.config))
			if err != nil {
				t.Fatal(err)
			}
			err = cfg.Validate(false)
			var cerr *ConfigError
			if !errors.As(err, &cerr) {
				t.Fatalf("Validate = %v, want a ConfigError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}
