package publisher

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/liveline/liveline/bridge"
)

// appendScript returns changes that take a channel past several kept
// chunks of ids: appended posts, with a hide, a show, an edit, deletions
// and an older post between them.
func appendScript() []bridge.Change {
	var changes []bridge.Change
	add := func(from, to int) {
		for i := from; i < to; i++ {
			changes = append(changes, textChange(postTS(i), "post "+strconv.Itoa(i)))
		}
	}
	add(10, 300)
	changes = append(changes, bridge.Change{Op: bridge.OpHide, ChannelID: testChannel, TS: postTS(20)})
	add(300, 320)
	changes = append(changes, bridge.Change{Op: bridge.OpDelete, ChannelID: testChannel, TS: postTS(319)})
	add(320, 560)
	changes = append(changes, textChange(postTS(5), "older post"))
	add(560, 570)
	changes = append(changes,
		bridge.Change{Op: bridge.OpShow, ChannelID: testChannel, TS: postTS(20)},
		textChange(postTS(100), "edited"),
		bridge.Change{Op: bridge.OpDelete, ChannelID: testChannel, TS: postTS(9999)})
	add(570, 600)
	return changes
}

func TestPublisher_AppendsMatchFullLoad(t *testing.T) {
	patchedStore, fullStore := newMemStore(), newMemStore()
	patched := newTestPublisher(t, patchedStore, patchedStore)
	full := newTestPublisher(t, fullReader{fullStore}, fullStore)
	gz := http.Header{"Accept-Encoding": {"gzip"}}

	for i, c := range appendScript() {
		before := patchedStore.last
		patched.mustApply(c)
		full.mustApply(c)
		for _, since := range []string{"0", before.String(), "9999999999"} {
			query := "last_update_ts=" + since
			_, want := full.do(http.MethodGet, query, nil)
			_, got := patched.do(http.MethodGet, query, nil)
			if !bytes.Equal(got, want) {
				t.Fatalf("after change %d, GET since %s:\npatched %s\nfull    %s", i, since, got, want)
			}
			resp, zipped := patched.do(http.MethodGet, query, gz)
			if resp.Header.Get("Content-Encoding") != "gzip" {
				continue
			}
			if unzipped := mustGunzip(t, zipped); !bytes.Equal(unzipped, want) {
				t.Fatalf("after change %d, gzip GET since %s:\npatched %s\nfull    %s", i, since, unzipped, want)
			}
		}
	}
}

func TestIDList_Extend(t *testing.T) {
	var posts []*entry
	list := newIDList(nil)
	for i := range 1000 {
		e := &entry{ts: postTS(i), idJSON: []byte(strconv.Quote(postTS(i))), hidden: i%7 == 3}
		posts = append(posts, e)
		list = list.extend([]*entry{e})
	}
	want := appendIDs(nil, posts, false)
	if got := list.appendJSON(nil); !bytes.Equal(got, want) {
		t.Fatalf("extended list = %s, want %s", got, want)
	}
	if got := newIDList(posts).appendJSON(nil); !bytes.Equal(got, want) {
		t.Errorf("built list = %s, want %s", got, want)
	}
	if len(list.chunks) == 0 {
		t.Fatalf("a %d-byte list kept no chunks", len(list.open))
	}

	body := []byte(`{"updates":{},"currentPosts":` + string(list.appendJSON(nil)) + `,"x":1}`)
	start := len(`{"updates":{},"currentPosts":`)
	var std bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&std, gzip.BestSpeed)
	zw.Write(body)
	zw.Close()
	if got := gzipBytes(body); !bytes.Equal(got, std.Bytes()) {
		t.Errorf("gzipBytes = % x, want compress/gzip's % x", got, std.Bytes())
	}
	if got := mustGunzip(t, list.gzipWith(body, start)); !bytes.Equal(got, body) {
		t.Errorf("gzip body decodes to %s, want %s", got, body)
	}
	if got := mustGunzip(t, list.gzipWith(body, start+1)); !bytes.Equal(got, body) {
		t.Errorf("gzip body at a wrong offset decodes to %s, want %s", got, body)
	}
}

func mustGunzip(t *testing.T, zipped []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(zipped))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return plain
}
