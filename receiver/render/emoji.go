package render

import (
	"html"
	"strings"

	"github.com/liveline/liveline/receiver/render/emoji"
)

// maxEmojiName is the longest short name looked up; longer text between
// two colons is never an emoji.
const maxEmojiName = 100

// emojiAt renders a :short_name: that starts at s[i], with a following
// :skin-tone-N: applied to it.
func (m *message) emojiAt(s string, i int) (string, int) {
	end := strings.IndexByte(s[i+1:min(len(s), i+2+maxEmojiName)], ':')
	if end < 1 || !isEmojiName(s[i+1:i+1+end]) {
		return "", 0
	}
	name := s[i+1 : i+1+end]
	n := end + 2

	tone := 0
	if t, size := skinToneAt(s[i+n:]); size > 0 {
		tone = t
		n += size
	}
	fragment, ok := m.emojiHTML(name, tone, "", "")
	if !ok {
		return "", 0
	}
	return fragment, n
}

// skinToneAt returns the tone of a ":skin-tone-N:" at the start of s and
// its length, or a length of 0.
func skinToneAt(s string) (int, int) {
	const size = len(":skin-tone-N:")
	if len(s) < size || s[0] != ':' || s[size-1] != ':' {
		return 0, 0
	}
	tone, ok := emoji.SkinTone(s[1 : size-1])
	if !ok {
		return 0, 0
	}
	return tone, size
}

// isEmojiName reports whether s may be a standard or custom short name:
// lowercase letters, digits and the characters _ + ' . -
func isEmojiName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("_+'.-", c) >= 0) {
			return false
		}
	}
	return s != ""
}

// emojiHTML renders an emoji from the first of these that is known: its
// code points (Slack's rich text "unicode" field), its short name in
// skin tone tone (0 for none), the custom emoji image src if it is an
// https URL, or the image that Options.EmojiURL returns. It returns
// false when none is known.
func (m *message) emojiHTML(name string, tone int, codePoints, src string) (string, bool) {
	if char, ok := emoji.FromCodePoints(codePoints); ok {
		return html.EscapeString(char), true
	}
	if char, ok := emoji.Lookup(name); ok {
		return html.EscapeString(emoji.WithSkinTone(char, tone)), true
	}
	if clean, ok := httpsURL(src); ok {
		return emojiImage(clean, name), true
	}
	if m.r.emojiURL != nil && isEmojiName(name) {
		if found, ok := m.r.emojiURL(m.ctx, name); ok {
			if clean, ok := httpsURL(found); ok {
				return emojiImage(clean, name), true
			}
		}
	}
	return "", false
}

func emojiImage(src, name string) string {
	return `<img src="` + html.EscapeString(src) + `" alt=":` + html.EscapeString(name) +
		`:" class="emoji">`
}

// httpsURL returns raw re-encoded when it is an absolute https URL.
func httpsURL(raw string) (string, bool) {
	clean, ok := safeURL(raw, false)
	if !ok || !strings.HasPrefix(clean, "https://") {
		return "", false
	}
	return clean, true
}
