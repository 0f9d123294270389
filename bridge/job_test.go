package bridge

import (
	"testing"
	"time"
)

func TestRetryDelay(t *testing.T) {
	tests := []struct {
		attempt int
		want    time.Duration
	}{
		{1, 10 * time.Second},
		{2, 20 * time.Second},
		{3, 40 * time.Second},
		{10, time.Hour},
	}
	for _, tt := range tests {
		if got := RetryDelay(tt.attempt, 10*time.Second, time.Hour); got != tt.want {
			t.Errorf("RetryDelay(%d) = %v, want %v", tt.attempt, got, tt.want)
		}
	}
}

func TestIsMediaFileName(t *testing.T) {
	hash := "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	for name, want := range map[string]bool{
		hash + ".png":              true,
		hash + ".webp":             true,
		hash + ".svg":              false,
		"../" + hash + ".png":      false,
		hash[:60] + ".png":         false,
		"9F86" + hash[4:] + ".png": false,
	} {
		if got := IsMediaFileName(name); got != want {
			t.Errorf("IsMediaFileName(%q) = %v, want %v", name, got, want)
		}
	}
}
