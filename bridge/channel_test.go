package bridge

import (
	"strings"
	"testing"
)

func TestNewChannels_Lookups(t *testing.T) {
	chs, err := NewChannels([]Channel{
		{ID: "C0LIVE01", Slug: "election"},
		{ID: "C0LIVE02", Slug: "budget", Threads: ThreadsAll},
	})
	if err != nil {
		t.Fatal(err)
	}
	ch, ok := chs.ByID("C0LIVE01")
	if !ok || ch.Slug != "election" {
		t.Errorf("ByID(C0LIVE01) = %+v, %v", ch, ok)
	}
	if ch.Threads != ThreadsBroadcast {
		t.Errorf("default thread policy = %q, want %q", ch.Threads, ThreadsBroadcast)
	}
	if ch, ok := chs.BySlug("budget"); !ok || ch.ID != "C0LIVE02" {
		t.Errorf("BySlug(budget) = %+v, %v", ch, ok)
	}
	if _, ok := chs.ByID("C0OTHER1"); ok {
		t.Errorf("ByID found an unmapped channel")
	}
}

func TestNewChannels_Invalid(t *testing.T) {
	tests := []struct {
		name string
		list []Channel
		want string
	}{
		{"duplicate id", []Channel{{ID: "C1", Slug: "a"}, {ID: "C1", Slug: "b"}}, "duplicate channel_id"},
		{"duplicate slug", []Channel{{ID: "C1", Slug: "a"}, {ID: "C2", Slug: "a"}}, "duplicate slug"},
		{"missing id", []Channel{{Slug: "a"}}, "missing channel_id"},
		{"missing slug", []Channel{{ID: "C1"}}, "missing slug"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewChannels(tt.list)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestParseThreadPolicy(t *testing.T) {
	for in, want := range map[string]ThreadPolicy{"": ThreadsBroadcast, "all": ThreadsAll,
		"ignore": ThreadsIgnore, "broadcast": ThreadsBroadcast} {
		got, err := ParseThreadPolicy(in)
		if err != nil || got != want {
			t.Errorf("ParseThreadPolicy(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseThreadPolicy("some"); err == nil {
		t.Errorf("ParseThreadPolicy(some) succeeded")
	}
}
