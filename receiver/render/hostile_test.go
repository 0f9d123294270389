package render

import (
	"strings"
	"testing"
	"time"
)

// TestRenderer_HostileTextIsLinear renders texts of 60 to 140 KB that
// made an earlier version quadratic, taking seconds each. The limit is
// loose so that a slow machine or the race detector still passes.
func TestRenderer_HostileTextIsLinear(t *testing.T) {
	const limit = 5 * time.Second
	inputs := map[string]string{
		"unclosed stars":       strings.Repeat("*a ", 20000),
		"closer in code span":  strings.Repeat("*a ", 20000) + "`x*`",
		"closer in link token": strings.Repeat("_a ", 20000) + "<https://x.org/a_|b>",
		"nested markers":       strings.Repeat("*_~", 5000) + "x" + strings.Repeat("~_*", 5000),
		"mixed markup":         strings.Repeat("*a _b ~c `d <e ", 5000),
		"link prefixes":        strings.Repeat("http://", 20000),
		"colons":               strings.Repeat(":a", 30000),
		"bullets":              strings.Repeat("• a\n", 20000),
		"quotes":               strings.Repeat("&gt; a\n", 20000),
	}
	r := newTestRenderer()
	for name, text := range inputs {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			mustRenderText(t, r, text)
			if elapsed := time.Since(start); elapsed > limit {
				t.Errorf("took %v, want under %v", elapsed, limit)
			}
		})
	}
}
