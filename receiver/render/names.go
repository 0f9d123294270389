package render

import (
	"html"
	"strings"
	"time"
)

// placeholderChannel is shown for a channel whose name is unknown.
const placeholderChannel = "channel"

// placeholderUsergroup is shown for a user group whose handle is unknown.
const placeholderUsergroup = "group"

// userMention returns the text of a mention of user id, such as
// "@Reporter Two".
func (m *message) userMention(id string) string {
	return "@" + m.r.userName(m.ctx, id)
}

// channelMention returns "#name" for channel id, from label, the text's
// token for the same channel, the Directory or a placeholder.
func (m *message) channelMention(id, label string) string {
	if label == "" {
		label = m.labels["#"+id]
	}
	if name := strings.TrimPrefix(label, "#"); strings.TrimSpace(name) != "" {
		return "#" + name
	}
	if m.r.dir != nil && id != "" {
		if name, ok := m.r.dir.ChannelName(m.ctx, id); ok && strings.TrimSpace(name) != "" {
			return "#" + name
		}
	}
	return "#" + placeholderChannel
}

// usergroupMention returns "@handle" for user group id, from label, the
// text's token for the same group, Options.UsergroupName or a placeholder.
func (m *message) usergroupMention(id, label string) string {
	if label == "" {
		label = m.labels["!subteam^"+id]
	}
	if name := strings.TrimPrefix(label, "@"); strings.TrimSpace(name) != "" {
		return "@" + name
	}
	if m.r.usergroupName != nil && id != "" {
		if name, ok := m.r.usergroupName(m.ctx, id); ok && strings.TrimSpace(name) != "" {
			return "@" + strings.TrimPrefix(name, "@")
		}
	}
	return "@" + placeholderUsergroup
}

// broadcastMention returns "@here", "@channel" or "@everyone".
func broadcastMention(scope string) string {
	switch scope {
	case "here", "channel", "everyone":
		return "@" + scope
	}
	return "@" + placeholderChannel
}

// dateLayout formats a date that came without Slack's fallback text.
const dateLayout = "Monday, January 2, 2006 at 3:04 PM UTC"

// dateTime returns the UTC time of unix when it lies in the years 1970
// to 9999, the range that the sanitizer's datetime pattern accepts.
func dateTime(unix int64) (time.Time, bool) {
	t := time.Unix(unix, 0).UTC()
	return t, unix > 0 && t.Year() <= 9999
}

// dateHTML returns a <time> element for the Unix time unix, showing
// fallback, or the UTC date when fallback is empty. A time out of
// dateTime's range shows the fallback as plain text.
func dateHTML(unix int64, fallback string) string {
	t, ok := dateTime(unix)
	if !ok {
		return html.EscapeString(fallback)
	}
	if strings.TrimSpace(fallback) == "" {
		fallback = t.Format(dateLayout)
	}
	return `<time datetime="` + t.Format(time.RFC3339) + `">` + html.EscapeString(fallback) + `</time>`
}
