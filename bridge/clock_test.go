package bridge

import (
	"testing"
	"time"
)

func TestNextStamp_StrictlyIncreases(t *testing.T) {
	now := time.UnixMicro(1_733_328_000_123_456)
	first := NextStamp(0, now)
	if first != Stamp(now.UnixMicro()) {
		t.Fatalf("first stamp = %v, want %v", first, now.UnixMicro())
	}
	second := NextStamp(first, now)
	if second != first+1 {
		t.Errorf("same-instant stamp = %v, want %v", second, first+1)
	}
	earlier := NextStamp(second, now.Add(-time.Second))
	if earlier != second+1 {
		t.Errorf("stamp after clock went back = %v, want %v", earlier, second+1)
	}
}

func TestStamp_String(t *testing.T) {
	tests := []struct {
		stamp Stamp
		want  string
	}{
		{0, "0.000000"},
		{1_733_328_000_000_001, "1733328000.000001"},
		{1_733_328_000_100_000, "1733328000.100000"},
	}
	for _, tt := range tests {
		if got := tt.stamp.String(); got != tt.want {
			t.Errorf("Stamp(%d).String() = %q, want %q", int64(tt.stamp), got, tt.want)
		}
	}
}

func TestParseStamp(t *testing.T) {
	tests := []struct {
		in   string
		want Stamp
	}{
		{"1733328000.123456", 1_733_328_000_123_456},
		{"1733328000.1234559999", 1_733_328_000_123_456}, // a client's float rounding
		{"1733328000.1", 1_733_328_000_100_000},
		{"1733328000", 1_733_328_000_000_000},
		{"0", 0},
		{"1.733328000123456e9", 1_733_328_000_123_456},
	}
	for _, tt := range tests {
		got, err := ParseStamp(tt.in)
		if err != nil {
			t.Errorf("ParseStamp(%q) error: %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseStamp(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestParseStamp_Invalid(t *testing.T) {
	for _, in := range []string{"", "abc", "-1", "1.2.3", "12a.5", ".5", "1e400", "NaN"} {
		if _, err := ParseStamp(in); err == nil {
			t.Errorf("ParseStamp(%q) succeeded, want an error", in)
		}
	}
}

// A stamp sent as a JSON number and read back by JavaScript's Number must
// map to the same stamp.
func TestParseStamp_RoundTripsFloat(t *testing.T) {
	for _, s := range []Stamp{1_733_328_000_000_001, 1_733_328_000_999_999, 1_623_321_001_100_000} {
		f := float64(s) / 1e6
		got, err := ParseStamp(formatFloat(f))
		if err != nil {
			t.Fatal(err)
		}
		if got != s {
			t.Errorf("round trip of %v via %s = %v", s, formatFloat(f), got)
		}
	}
}

// formatFloat formats f as JavaScript's Number.prototype.toString does for
// values of this size: the shortest decimal that reads back as f.
func formatFloat(f float64) string {
	return strconvFormat(f)
}
