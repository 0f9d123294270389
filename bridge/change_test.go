package bridge

import "testing"

func textPost(text, version, edited string) *Post {
	return &Post{Blocks: []Block{{Type: BlockText, HTML: "<p>" + text + "</p>"}},
		Version: version, Edited: edited, Author: Author{Name: "Reporter"}}
}

func upsert(ts string, p *Post) Change {
	return Change{Op: OpUpsert, ChannelID: "C0LIVE01", TS: ts, Post: p}
}

func TestMerge_Upsert(t *testing.T) {
	const ts = "1623320500.000100"
	stored := textPost("original", ts, "")
	stored.ChannelID, stored.TS = "C0LIVE01", ts
	edited := textPost("corrected", "1623320530.000000", "1623320530.000000")
	edited.ChannelID, edited.TS = "C0LIVE01", ts
	tombstone := &Post{ChannelID: "C0LIVE01", TS: ts, Version: ts, Deleted: true}

	tests := []struct {
		name        string
		stored      *Post
		change      Change
		wantVisible bool
		wantWrite   bool
	}{
		{"new post", nil, upsert(ts, textPost("original", ts, "")), true, true},
		{"redelivery", stored, upsert(ts, textPost("original", ts, "")), false, false},
		{"edit", stored, upsert(ts, textPost("corrected", "1623320530.000000", "1623320530.000000")), true, true},
		{"late original after edit", edited, upsert(ts, textPost("original", ts, "")), false, false},
		{"after deletion", tombstone, upsert(ts, textPost("original", ts, "")), false, false},
		{"empty new post", nil, upsert(ts, &Post{Version: ts}), false, false},
		{"unfurl of existing", stored,
			Change{Op: OpUpsert, ChannelID: "C0LIVE01", TS: ts, OnlyIfAbsent: true,
				Post: textPost("with card", ts, "")}, false, false},
		{"unfurl of unseen", nil,
			Change{Op: OpUpsert, ChannelID: "C0LIVE01", TS: ts, OnlyIfAbsent: true,
				Post: textPost("with card", ts, "")}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next, visible, reason := Merge(tt.stored, tt.change)
			if visible != tt.wantVisible {
				t.Errorf("visible = %v, want %v (reason %q)", visible, tt.wantVisible, reason)
			}
			if (next != nil) != tt.wantWrite {
				t.Errorf("write = %v, want %v (reason %q)", next != nil, tt.wantWrite, reason)
			}
		})
	}
}

func TestMerge_EditKeepsHidden(t *testing.T) {
	const ts = "1623320500.000100"
	stored := textPost("original", ts, "")
	stored.Hidden = true
	next, visible, _ := Merge(stored, upsert(ts, textPost("new", "1623320600.000000", "1623320600.000000")))
	if !visible || next == nil {
		t.Fatalf("edit of hidden post not applied")
	}
	if !next.Hidden {
		t.Errorf("edit showed a hidden post")
	}
}

func TestMerge_Delete(t *testing.T) {
	const ts = "1623320100.000200"
	stored := textPost("turnout", ts, "")
	next, visible, _ := Merge(stored, Change{Op: OpDelete, ChannelID: "C0LIVE01", TS: ts})
	if !visible || next == nil || !next.Deleted {
		t.Fatalf("delete of stored post: next=%+v visible=%v", next, visible)
	}
	if len(next.Blocks) != 0 {
		t.Errorf("tombstone keeps content: %+v", next.Blocks)
	}
	again, visible, _ := Merge(next, Change{Op: OpDelete, ChannelID: "C0LIVE01", TS: ts})
	if again != nil || visible {
		t.Errorf("second delete changed something")
	}
	unseen, visible, _ := Merge(nil, Change{Op: OpDelete, ChannelID: "C0LIVE01", TS: ts})
	if unseen == nil || !unseen.Deleted {
		t.Errorf("delete of unseen message left no tombstone")
	}
	if visible {
		t.Errorf("delete of unseen message is visible to readers")
	}
}

func TestMerge_Hide(t *testing.T) {
	const ts = "1623320100.000200"
	stored := textPost("turnout", ts, "")
	hidden, visible, _ := Merge(stored, Change{Op: OpHide, TS: ts})
	if !visible || hidden == nil || !hidden.Hidden {
		t.Fatalf("hide: next=%+v visible=%v", hidden, visible)
	}
	if next, visible, _ := Merge(hidden, Change{Op: OpHide, TS: ts}); next != nil || visible {
		t.Errorf("hiding a hidden post changed something")
	}
	shown, visible, _ := Merge(hidden, Change{Op: OpShow, TS: ts})
	if !visible || shown == nil || shown.Hidden {
		t.Errorf("show: next=%+v visible=%v", shown, visible)
	}
	if next, _, _ := Merge(nil, Change{Op: OpHide, TS: ts}); next != nil {
		t.Errorf("hiding an unseen post wrote %+v", next)
	}
}
