package publisher

import (
	"bytes"
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/liveline/liveline/bridge"
)

// maxCachedUpdates is the largest number of updated posts whose GET body a
// snapshot keeps. Readers who poll every few seconds request the last few
// changes, so their bodies are built once per change. A GET for most of a
// long channel is built per request in one pass, unless it requests every
// post, which is cached too.
const maxCachedUpdates = 64

// entry is one current post, rendered once when it changes.
type entry struct {
	ts      string
	key     bridge.TSKey
	updated bridge.Stamp
	// idJSON is ts as a JSON string.
	idJSON []byte
	// updateJSON is the post's member of a GET response's "updates":
	// "ts":{"show":...,"content":"..."}, with content sanitized.
	updateJSON []byte
}

// compareEntries orders posts as the store does: by ts time, then by the
// ts string.
func compareEntries(a, b *entry) int {
	if c := a.key.Compare(b.key); c != 0 {
		return c
	}
	return strings.Compare(a.ts, b.ts)
}

// snapshot is a channel as readers see it at one value of its clock. Its
// posts never change after it is published, so handlers read it without
// locks. A change to the channel builds a new snapshot and swaps it in
// whole; only the lazily built bodies below are filled in later.
type snapshot struct {
	last     bridge.Stamp
	lastText string // last as sent in Last-Update-At
	// lastHeader and headETag are header values of HEAD responses,
	// shared by every response because net/http only reads them.
	lastHeader []string
	headETag   []string
	posts      []*entry // current posts, hidden ones included, oldest first
	byUpdated  []*entry // the same posts by updated, oldest change first
	interval   string   // pollingInterval in milliseconds

	currentOnce sync.Once
	currentJSON []byte // "currentPosts" array

	handshake cachedBody
	unchanged cachedBody // GET with nothing at or after since

	mu      sync.Mutex
	updates map[int]*cachedBody // GET bodies by number of updates included
}

func newSnapshot(last bridge.Stamp, posts, byUpdated []*entry, interval string) *snapshot {
	s := &snapshot{last: last, lastText: last.String(), posts: posts, byUpdated: byUpdated,
		interval: interval, updates: map[int]*cachedBody{}}
	s.lastHeader = []string{s.lastText}
	s.headETag = []string{etagFor(last, "head")}
	s.handshake.etag = etagFor(last, "h")
	s.unchanged.etag = etagFor(last, "0")
	return s
}

// etagFor returns the entity tag of a body built from the snapshot at last.
// The clock names the channel's state exactly, because every visible change
// moves it, so the tag needs no hash of the body.
func etagFor(last bridge.Stamp, variant string) string {
	return `"` + strconv.FormatInt(int64(last), 10) + "-" + variant + `"`
}

// count returns how many posts a GET for since includes: those whose last
// change is at or after since.
func (s *snapshot) count(since bridge.Stamp) int {
	i := sort.Search(len(s.byUpdated), func(i int) bool { return s.byUpdated[i].updated >= since })
	return len(s.byUpdated) - i
}

// updatesBody returns the GET body for since, built once per snapshot when
// it is cacheable and per call otherwise.
func (s *snapshot) updatesBody(since bridge.Stamp) *cachedBody {
	n := s.count(since)
	if n == 0 {
		return s.unchanged.get(s.buildUpdates, 0)
	}
	if n > maxCachedUpdates && n < len(s.posts) {
		b := &cachedBody{etag: etagFor(s.last, strconv.Itoa(n))}
		b.plain = s.buildUpdates(n)
		return b
	}
	s.mu.Lock()
	b, ok := s.updates[n]
	if !ok {
		b = &cachedBody{etag: etagFor(s.last, strconv.Itoa(n))}
		s.updates[n] = b
	}
	s.mu.Unlock()
	return b.get(s.buildUpdates, n)
}

// buildUpdates writes the GET body that includes the n most recently
// changed posts. It writes JSON by hand, because "updates" must keep its
// keys in post order and a Go map would sort them.
func (s *snapshot) buildUpdates(n int) []byte {
	threshold := s.last + 1
	if n > 0 {
		threshold = s.byUpdated[len(s.byUpdated)-n].updated
	}
	current := s.current()
	size := 96 + len(current)
	for _, e := range s.byUpdated[len(s.byUpdated)-n:] {
		size += len(e.updateJSON) + 1
	}

	b := bytes.NewBuffer(make([]byte, 0, size))
	b.WriteString(`{"updates":{`)
	first := true
	for _, e := range s.posts {
		if e.updated < threshold {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.Write(e.updateJSON)
	}
	b.WriteString(`},"currentPosts":`)
	b.Write(current)
	b.WriteString(`,"lastUpdateTimestamp":` + s.lastText)
	b.WriteString(`,"pollingInterval":` + s.interval + "}")
	return b.Bytes()
}

// current returns the "currentPosts" array: every current id, oldest first.
func (s *snapshot) current() []byte {
	s.currentOnce.Do(func() {
		s.currentJSON = appendIDs(nil, s.posts, false)
	})
	return s.currentJSON
}

// buildHandshake writes the POST body: ids newest first, the clock and the
// polling interval.
func (s *snapshot) buildHandshake(int) []byte {
	b := make([]byte, 0, 80+len(s.posts)*20)
	b = append(b, `{"livePosts":`...)
	b = appendIDs(b, s.posts, true)
	b = append(b, `,"lastUpdateTimestamp":`+s.lastText...)
	b = append(b, `,"pollingInterval":`+s.interval+"}\n"...)
	return b
}

func appendIDs(b []byte, posts []*entry, newestFirst bool) []byte {
	b = append(b, '[')
	for i := range posts {
		e := posts[i]
		if newestFirst {
			e = posts[len(posts)-1-i]
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, e.idJSON...)
	}
	return append(b, ']')
}

// patch returns a new snapshot at last with changes applied: tombstones
// remove posts, and every other post replaces the entry with its ts or is
// added. changes must be ordered by updated and newer than s.last, as
// bridge.ChangeReader returns them. s may be nil for an empty channel.
func (s *snapshot) patch(changes []*entry, deleted map[string]bool, last bridge.Stamp, interval string) *snapshot {
	var oldPosts, oldByUpdated []*entry
	if s != nil {
		oldPosts, oldByUpdated = s.posts, s.byUpdated
	}
	touched := make(map[string]bool, len(changes)+len(deleted))
	for ts := range deleted {
		touched[ts] = true
	}
	for _, e := range changes {
		touched[e.ts] = true
	}
	keep := func(e *entry) bool { return !touched[e.ts] }

	posts := make([]*entry, 0, len(oldPosts)+len(changes))
	for _, e := range oldPosts {
		if keep(e) {
			posts = append(posts, e)
		}
	}
	byUpdated := make([]*entry, 0, len(posts)+len(changes))
	for _, e := range oldByUpdated {
		if keep(e) {
			byUpdated = append(byUpdated, e)
		}
	}
	byUpdated = append(byUpdated, changes...)

	added := slices.Clone(changes)
	slices.SortFunc(added, compareEntries)
	return newSnapshot(last, mergeSorted(posts, added), byUpdated, interval)
}

// mergeSorted merges two lists that are each in post order.
func mergeSorted(a, b []*entry) []*entry {
	if len(b) == 0 {
		return a
	}
	out := make([]*entry, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if compareEntries(a[i], b[j]) <= 0 {
			out = append(out, a[i])
			i++
		} else {
			out = append(out, b[j])
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// newEntry renders post once, for every response that includes it.
func (p *Publisher) newEntry(post *bridge.Post) *entry {
	key, _ := bridge.ParseTS(post.TS)
	id, _ := json.Marshal(post.TS)
	var b bytes.Buffer
	b.Write(id)
	b.WriteByte(':')
	writeCompactJSON(&b, update{Show: !post.Hidden, Content: p.postHTML(post)})
	return &entry{ts: post.TS, key: key, updated: post.Updated, idJSON: id,
		updateJSON: b.Bytes()}
}
