package bridge

import (
	"strconv"
	"testing"
)

func strconvFormat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func TestParseTS(t *testing.T) {
	tests := []struct {
		ts   string
		want TSKey
	}{
		{"1623321000.000100", TSKey{1623321000, 100_000}},
		{"1623321001.100000", TSKey{1623321001, 100_000_000}},
		{"1623321002.000999", TSKey{1623321002, 999_000}},
	}
	for _, tt := range tests {
		got, err := ParseTS(tt.ts)
		if err != nil {
			t.Fatalf("ParseTS(%q): %v", tt.ts, err)
		}
		if got != tt.want {
			t.Errorf("ParseTS(%q) = %+v, want %+v", tt.ts, got, tt.want)
		}
	}
}

func TestParseTS_Invalid(t *testing.T) {
	for _, ts := range []string{"", "1623321000", "1623321000.", ".000100", "1e9.1", "1623321000.0001000000", "1623321000.1", "1623320003.0000001", "x.1"} {
		if _, err := ParseTS(ts); err == nil {
			t.Errorf("ParseTS(%q) succeeded, want an error", ts)
		}
	}
}

func TestCompareTS(t *testing.T) {
	ordered := []string{"1623321000.000100", "1623321000.000200", "1623321001.100000",
		"1623321002.000999", "9999999999.000001", "10000000000.000000"}
	for i := 0; i+1 < len(ordered); i++ {
		if c := CompareTS(ordered[i], ordered[i+1]); c >= 0 {
			t.Errorf("CompareTS(%s, %s) = %d, want < 0", ordered[i], ordered[i+1], c)
		}
		if c := CompareTS(ordered[i+1], ordered[i]); c <= 0 {
			t.Errorf("CompareTS(%s, %s) = %d, want > 0", ordered[i+1], ordered[i], c)
		}
	}
	if c := CompareTS("1623321000.000100", "1623321000.000100"); c != 0 {
		t.Errorf("CompareTS of equal ts = %d, want 0", c)
	}
}
