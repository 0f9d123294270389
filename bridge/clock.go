package bridge

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Stamp is a value of a channel's update clock: microseconds since the
// Unix epoch. On the wire it is a JSON number of seconds with six
// decimals, such as 1733328000.123456.
type Stamp int64

// NextStamp returns the stamp for a change made at now to a channel whose
// clock is at last. It is now in microseconds, or last+1 when the
// wall clock has not moved past last, so stamps strictly increase.
func NextStamp(last Stamp, now time.Time) Stamp {
	s := Stamp(now.UnixMicro())
	if s <= last {
		return last + 1
	}
	return s
}

// String formats s as seconds with exactly six decimals.
func (s Stamp) String() string {
	sign := ""
	v := int64(s)
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%06d", sign, v/1e6, v%1e6)
}

// MarshalJSON writes s as a JSON number of seconds.
func (s Stamp) MarshalJSON() ([]byte, error) {
	return []byte(s.String()), nil
}

// Time returns the instant s names.
func (s Stamp) Time() time.Time {
	return time.UnixMicro(int64(s)).UTC()
}

// ParseStamp reads a number of seconds as a client sent it back and rounds
// it to the nearest microsecond. Decimal input is read digit by digit, so
// that any float rounding a client applied to a stamp it received still
// maps back to that exact stamp.
func ParseStamp(text string) (Stamp, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return 0, fmt.Errorf("missing timestamp")
	}
	if strings.ContainsAny(text, "eE") {
		return parseStampFloat(text)
	}
	secs, frac, _ := strings.Cut(text, ".")
	if secs == "" || !allDigits(secs) || (frac != "" && !allDigits(frac)) || len(secs) > 12 {
		return 0, fmt.Errorf("invalid timestamp %q: want seconds since the Unix epoch, such as 1733328000.123456", text)
	}
	s, err := strconv.ParseInt(secs, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("invalid timestamp %q: %w", text, err)
	}
	micros := int64(0)
	for i := 0; i < 6; i++ {
		micros *= 10
		if i < len(frac) {
			micros += int64(frac[i] - '0')
		}
	}
	if len(frac) > 6 && frac[6] >= '5' {
		micros++
	}
	return Stamp(s*1e6 + micros), nil
}

func parseStampFloat(text string) (Stamp, error) {
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || f > 1e12 {
		return 0, fmt.Errorf("invalid timestamp %q: want seconds since the Unix epoch, such as 1733328000.123456", text)
	}
	return Stamp(math.Round(f * 1e6)), nil
}
