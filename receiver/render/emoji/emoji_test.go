package emoji

import "testing"

func TestLookup_Aliases(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"+1", "\U0001F44D"},
		{"thumbsup", "\U0001F44D"},
		{"smile", "\U0001F604"},
		{"heart", "\u2764\ufe0f"},
		{"flag-gb", "\U0001F1EC\U0001F1E7"},
	} {
		got, ok := Lookup(tc.name)
		if !ok || got != tc.want {
			t.Errorf("Lookup(%q) = %q, %v; want %q", tc.name, got, ok, tc.want)
		}
	}
	if got, ok := Lookup("no_such_emoji"); ok {
		t.Errorf("Lookup(no_such_emoji) = %q, want not found", got)
	}
}

func TestWithSkinTone(t *testing.T) {
	thumbsUp, _ := Lookup("+1")
	for _, tc := range []struct {
		name string
		tone int
		want string
	}{
		{"+1", 3, "\U0001F44D\U0001F3FC"},
		{"+1", 6, "\U0001F44D\U0001F3FF"},
		{"+1", 1, thumbsUp},
		{"+1", 7, thumbsUp},
		{"point_up", 2, "\u261D\U0001F3FB"},
		{"female-technologist", 4, "\U0001F469\U0001F3FD\u200D\U0001F4BB"},
		{"handshake", 5, "\U0001F91D\U0001F3FE"},
		{"smile", 3, "\U0001F604"},
	} {
		char, ok := Lookup(tc.name)
		if !ok {
			t.Fatalf("Lookup(%q) found nothing", tc.name)
		}
		if got := WithSkinTone(char, tc.tone); got != tc.want {
			t.Errorf("WithSkinTone(%s, %d) = %q, want %q", tc.name, tc.tone, got, tc.want)
		}
	}
}

func TestSkinTone(t *testing.T) {
	if n, ok := SkinTone("skin-tone-3"); !ok || n != 3 {
		t.Errorf("SkinTone(skin-tone-3) = %d, %v; want 3, true", n, ok)
	}
	for _, name := range []string{"skin-tone-1", "skin-tone-7", "skin-tone-", "smile"} {
		if _, ok := SkinTone(name); ok {
			t.Errorf("SkinTone(%q) accepted", name)
		}
	}
}

func TestFromCodePoints(t *testing.T) {
	if got, ok := FromCodePoints("1f44d-1f3fd"); !ok || got != "\U0001F44D\U0001F3FD" {
		t.Errorf("FromCodePoints(1f44d-1f3fd) = %q, %v", got, ok)
	}
	for _, bad := range []string{"", "zz", "d800", "110000", "1f44d-", "0a"} {
		if got, ok := FromCodePoints(bad); ok {
			t.Errorf("FromCodePoints(%q) = %q, want rejected", bad, got)
		}
	}
}
