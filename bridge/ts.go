package bridge

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// fractionDigits is the length of a ts fraction. Slack always sends six
// digits (microseconds); accepting other lengths would let one message
// arrive under two ids, such as 1.1 and 1.100000.
const fractionDigits = 6

// maxFractionDigits is the width of the nanosecond sort key.
const maxFractionDigits = 9

// TSKey is the sort key of a Slack ts: whole seconds, then the fraction
// scaled to nanoseconds.
type TSKey struct {
	Seconds int64
	Nanos   int64
}

// ParseTS checks that ts has Slack's form (digits, a dot, digits) and
// returns its sort key. It never goes through a float.
func ParseTS(ts string) (TSKey, error) {
	secs, frac, ok := strings.Cut(ts, ".")
	if !ok || !allDigits(secs) || !allDigits(frac) || len(secs) > 12 ||
		len(frac) != fractionDigits {
		return TSKey{}, fmt.Errorf("invalid Slack ts %q: want seconds, a dot and %d digits, such as 1623321000.000100",
			ts, fractionDigits)
	}
	s, err := strconv.ParseInt(secs, 10, 64)
	if err != nil {
		return TSKey{}, fmt.Errorf("invalid Slack ts %q: %w", ts, err)
	}
	n, err := strconv.ParseInt(frac+strings.Repeat("0", maxFractionDigits-len(frac)), 10, 64)
	if err != nil {
		return TSKey{}, fmt.Errorf("invalid Slack ts %q: %w", ts, err)
	}
	return TSKey{Seconds: s, Nanos: n}, nil
}

// Compare returns -1, 0 or 1 as k sorts before, with or after o.
func (k TSKey) Compare(o TSKey) int {
	switch {
	case k.Seconds != o.Seconds:
		return cmpInt(k.Seconds, o.Seconds)
	default:
		return cmpInt(k.Nanos, o.Nanos)
	}
}

// Time returns the instant the ts names.
func (k TSKey) Time() time.Time {
	return time.Unix(k.Seconds, k.Nanos).UTC()
}

// CompareTS orders two Slack ts strings by time. Unparsable strings sort
// first, so a valid version always wins over a broken one.
func CompareTS(a, b string) int {
	ka, errA := ParseTS(a)
	kb, errB := ParseTS(b)
	switch {
	case errA != nil && errB != nil:
		return strings.Compare(a, b)
	case errA != nil:
		return -1
	case errB != nil:
		return 1
	}
	if c := ka.Compare(kb); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// TSTime returns the instant a Slack ts names, or the zero time when ts is
// empty or invalid.
func TSTime(ts string) time.Time {
	k, err := ParseTS(ts)
	if err != nil {
		return time.Time{}
	}
	return k.Time()
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
