package main

import (
	"testing"
	"time"
)

// replyMessage returns a message event for a thread reply not sent to
// the channel.
func replyMessage(channel, ts, thread, text string) []byte {
	return envelope(map[string]any{
		"type": "message", "user": "U0TEST01", "text": text, "ts": ts, "thread_ts": thread,
		"channel": channel, "event_ts": ts, "channel_type": "channel",
	})
}

// historyReply returns a thread reply as conversations.replies lists it.
func historyReply(ts, thread, text string) map[string]any {
	m := historyMessage(ts, text)
	m["thread_ts"] = thread
	return m
}

// Under threads: all, replies edited, deleted and added while Liveline
// was stopped are caught up from conversations.replies. A channel that
// publishes only broadcast replies reads no threads.
func TestCatchUp_ThreadReplies(t *testing.T) {
	const (
		oldParent   = "1623321000.000100" // older than anything Slack lists
		parent      = "1623321060.000200"
		edited      = "1623321090.000300"
		deleted     = "1623321120.000400"
		kept        = "1623321150.000500"
		goneParent  = "1623321200.000600"
		goneReply   = "1623321230.000700"
		oldReply    = "1623321300.000800"
		missed      = "1623321400.000900"
		otherParent = "1623321000.000100"
		otherReply  = "1623321030.000200"
	)
	slack := newFakeHistory(t, 2)
	w := &waits{}
	app := startCatchUpApp(t, "", slack, "0", w)
	app.mustSend(message("C0LIVE02", oldParent, "Treasury briefing."))
	app.mustSend(replyMessage("C0LIVE02", oldReply, oldParent, "Briefing over."))
	for ts, text := range map[string]string{parent: "Budget speech begins.",
		goneParent: "Rail fares."} {
		app.mustSend(message("C0LIVE02", ts, text))
		slack.put("C0LIVE02", historyMessage(ts, text))
	}
	for ts, text := range map[string]string{edited: "Fuel duty frozen.", deleted: "Pensions up 4%.",
		kept: "Tobacco duty up."} {
		app.mustSend(replyMessage("C0LIVE02", ts, parent, text))
		slack.put("C0LIVE02", historyReply(ts, parent, text))
	}
	app.mustSend(replyMessage("C0LIVE02", goneReply, goneParent, "Frozen too."))
	slack.put("C0LIVE02", historyReply(goneReply, goneParent, "Frozen too."))
	app.mustSend(message("C0LIVE01", otherParent, "Polls open."))
	slack.put("C0LIVE01", historyMessage(otherParent, "Polls open."))
	slack.put("C0LIVE01", historyReply(otherReply, otherParent, "Queues at ward 7."))
	app.stop()

	// While Liveline is down, the threads move on.
	fixed := historyReply(edited, parent, "Fuel duty frozen until April.")
	fixed["edited"] = map[string]any{"user": "U0TEST01", "ts": "1623321500.000000"}
	slack.put("C0LIVE02", fixed)
	slack.remove("C0LIVE02", deleted)
	slack.put("C0LIVE02", historyReply(missed, parent, "Markets calm."))
	slack.remove("C0LIVE02", goneReply)
	slack.remove("C0LIVE02", goneParent)
	slack.mu.Lock()
	slack.limitNextReplies = true
	slack.mu.Unlock()

	restarted := time.Now()
	again := startCatchUpApp(t, app.dbPath, slack, "5m", w)
	waitSynced(t, again.db, "C0LIVE01", restarted)
	waitSynced(t, again.db, "C0LIVE02", restarted)

	got := again.currentText("C0LIVE02")
	want := map[string]string{
		oldParent: "Treasury briefing.",
		oldReply:  "Briefing over.",
		parent:    "Budget speech begins.",
		edited:    "Fuel duty frozen until April.",
		kept:      "Tobacco duty up.",
		missed:    "Markets calm.",
	}
	for ts, text := range want {
		if got[ts] != text {
			t.Errorf("post %s = %q, want %q", ts, got[ts], text)
		}
	}
	for _, ts := range []string{deleted, goneParent, goneReply} {
		if _, ok := got[ts]; ok {
			t.Errorf("post %s deleted in Slack is still live", ts)
		}
	}
	if len(got) != len(want) {
		t.Errorf("live posts = %q, want the %d above", got, len(want))
	}

	if calls, _ := slack.replyCounts("C0LIVE01"); calls != 0 {
		t.Errorf("conversations.replies calls for the broadcast channel = %d, want 0", calls)
	}
	calls, cursorCalls := slack.replyCounts("C0LIVE02")
	if cursorCalls != 1 {
		t.Errorf("replies requests with a cursor = %d, want 1 (a thread of 4 in 2 pages)", cursorCalls)
	}
	if calls != 3 {
		t.Errorf("conversations.replies calls = %d, want 2 pages and 1 retry", calls)
	}
	if ws := w.all(); len(ws) != 1 || ws[0] != time.Second {
		t.Errorf("waits = %v, want one of 1s after Retry-After: 1", ws)
	}
}
