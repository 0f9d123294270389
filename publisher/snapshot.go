package publisher

import (
	"bytes"
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

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
	// hidden posts are left out of livePosts and currentPosts, and their
	// update carries no content, so hiding one withdraws its text.
	hidden bool
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
	lastHeader  []string
	headETag    []string
	headGzipTag string    // matches If-None-Match as the gzip form of headETag
	modified    *httpDate // nil before the first change
	posts       []*entry  // current posts, hidden ones included, oldest first
	byUpdated   []*entry  // the same posts by updated, oldest change first
	interval    string    // pollingInterval in milliseconds
	// intervalHeader is interval as the Polling-Interval header value.
	intervalHeader []string

	// ids is the "currentPosts" array, nil until a body needs it or a
	// patch derives it from the previous snapshot's.
	ids atomic.Pointer[idList]

	handshake cachedBody
	unchanged cachedBody // GET with nothing at or after since
	fresh     cachedBody // GET with last_update_ts=0

	mu      sync.Mutex
	updates map[int]*cachedBody    // GET bodies by number of updates included
	pages   map[string]*cachedBody // reader pages by the base URL they link to
}

func newSnapshot(last bridge.Stamp, posts, byUpdated []*entry, interval string) *snapshot {
	s := &snapshot{last: last, lastText: last.String(), posts: posts, byUpdated: byUpdated,
		interval: interval, updates: map[int]*cachedBody{}, pages: map[string]*cachedBody{}}
	s.lastHeader = []string{s.lastText}
	s.intervalHeader = []string{interval}
	s.headETag = []string{etagFor(last, "head")}
	s.headGzipTag = gzipETag(s.headETag[0])
	s.modified = newHTTPDate(last)
	s.handshake.etag = etagFor(last, "h")
	s.unchanged.etag = etagFor(last, "0")
	s.fresh.etag = etagFor(last, "all")
	s.unchanged.compress, s.fresh.compress = s.gzipUpdates, s.gzipUpdates
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
	if since == 0 {
		return s.fresh.get(s.buildFresh, 0)
	}
	n := s.count(since)
	if n == 0 {
		return s.unchanged.get(s.buildUpdates, 0)
	}
	if n > maxCachedUpdates && n < len(s.posts) {
		return newBody(etagFor(s.last, strconv.Itoa(n)), s.buildUpdates(n))
	}
	s.mu.Lock()
	b, ok := s.updates[n]
	if !ok {
		b = &cachedBody{etag: etagFor(s.last, strconv.Itoa(n)), compress: s.gzipUpdates}
		s.updates[n] = b
	}
	s.mu.Unlock()
	return b.get(s.buildUpdates, n)
}

// buildUpdates writes the GET body that includes the n most recently
// changed posts. It writes JSON by hand, because "updates" must keep its
// keys in post order and a Go map would sort them.
func (s *snapshot) buildUpdates(n int) []byte {
	return s.buildUpdatesFor(n, false)
}

// buildFresh writes the GET body for last_update_ts=0: every visible post.
// Such a client has shown nothing yet, so hidden posts are left out and it
// does not learn they exist.
func (s *snapshot) buildFresh(int) []byte {
	return s.buildUpdatesFor(len(s.byUpdated), true)
}

func (s *snapshot) buildUpdatesFor(n int, skipHidden bool) []byte {
	threshold := s.last + 1
	if n > 0 {
		threshold = s.byUpdated[len(s.byUpdated)-n].updated
	}
	ids := s.current()
	size := 96 + len(ids.open)
	for _, e := range s.byUpdated[len(s.byUpdated)-n:] {
		size += len(e.updateJSON) + 1
	}

	b := bytes.NewBuffer(make([]byte, 0, size))
	b.WriteString(`{"updates":{`)
	first := true
	for _, e := range s.posts {
		if e.updated < threshold || (skipHidden && e.hidden) {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.Write(e.updateJSON)
	}
	b.WriteString(`},"currentPosts":`)
	b.Write(ids.open)
	b.WriteByte(']')
	b.WriteString(s.updatesTail())
	return b.Bytes()
}

// updatesTail returns the text of a GET body after "currentPosts".
func (s *snapshot) updatesTail() string {
	return `,"lastUpdateTimestamp":` + s.lastText + `,"pollingInterval":` + s.interval + "}"
}

// gzipUpdates returns the gzip form of a GET body that buildUpdatesFor
// wrote, reusing the compressed ids of "currentPosts".
func (s *snapshot) gzipUpdates(plain []byte) []byte {
	ids := s.current()
	start := len(plain) - len(s.updatesTail()) - len(ids.open) - 1
	return ids.gzipWith(plain, start)
}

// lastModified returns the Last-Modified date to send at now, or nil.
func (s *snapshot) lastModified(now time.Time) *httpDate {
	return lastModified(s.modified, now)
}

// current returns the "currentPosts" array: every visible id, oldest
// first. Readers that find it unbuilt at once may each build it, and all
// then use the first one stored.
func (s *snapshot) current() *idList {
	if ids := s.ids.Load(); ids != nil {
		return ids
	}
	s.ids.CompareAndSwap(nil, newIDList(s.posts))
	return s.ids.Load()
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

// appendIDs appends the ids of the visible posts as a JSON array.
func appendIDs(b []byte, posts []*entry, newestFirst bool) []byte {
	b = append(b, '[')
	first := true
	for i := range posts {
		e := posts[i]
		if newestFirst {
			e = posts[len(posts)-1-i]
		}
		if e.hidden {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, e.idJSON...)
	}
	return append(b, ']')
}

// patch returns a new snapshot at last with changes applied: tombstones
// remove posts, and every other post replaces the entry with its ts or is
// added. changes must be ordered by updated and newer than s.last, as
// bridge.ChangeReader returns them. s may be nil for an empty channel.
//
// New posts that sort after every current post, as a live blog's do, are
// appended in place: the new snapshot's lists extend s's and share their
// arrays, so a change costs O(changed) amortized. That is safe because
// only the current snapshot is ever patched, under the channel's refresh
// lock, and entries past s's length are invisible to s. The
// "currentPosts" array, when s has built it, is extended the same way.
// Edits, deletions and older posts copy the lists once and leave the
// array to be built again on first use.
func (s *snapshot) patch(changes []*entry, deleted map[string]bool, last bridge.Stamp, interval string) *snapshot {
	var posts, byUpdated []*entry
	var ids *idList
	if s != nil {
		posts, byUpdated, ids = s.posts, s.byUpdated, s.ids.Load()
	}
	postDrops, updatedDrops := replacedIndexes(posts, byUpdated, changes, deleted)
	if len(postDrops) > 0 {
		posts = without(posts, postDrops)
		byUpdated = without(byUpdated, updatedDrops)
	}
	added := slices.Clone(changes)
	slices.SortFunc(added, compareEntries)
	appendsOnly := len(postDrops) == 0 && (len(added) == 0 || len(posts) == 0 ||
		compareEntries(posts[len(posts)-1], added[0]) < 0)

	next := newSnapshot(last, insertSorted(posts, added), append(byUpdated, changes...), interval)
	if ids != nil && appendsOnly {
		next.ids.Store(ids.extend(added))
	}
	return next
}

// replacedIndexes returns the indexes in posts and in byUpdated of the
// entries that changes or deletions replace, each list in ascending order.
func replacedIndexes(posts, byUpdated, changes []*entry, deleted map[string]bool) (postDrops, updatedDrops []int) {
	add := func(key bridge.TSKey, ts string) {
		i, found := slices.BinarySearchFunc(posts, &entry{key: key, ts: ts}, compareEntries)
		if !found {
			return
		}
		postDrops = append(postDrops, i)
		if j := indexByUpdated(byUpdated, posts[i]); j >= 0 {
			updatedDrops = append(updatedDrops, j)
		}
	}
	for ts := range deleted {
		key, _ := bridge.ParseTS(ts)
		add(key, ts)
	}
	for _, e := range changes {
		add(e.key, e.ts)
	}
	slices.Sort(postDrops)
	slices.Sort(updatedDrops)
	return slices.Compact(postDrops), slices.Compact(updatedDrops)
}

// indexByUpdated returns the index of e in byUpdated, which is ordered by
// updated, or -1.
func indexByUpdated(byUpdated []*entry, e *entry) int {
	i := sort.Search(len(byUpdated), func(i int) bool { return byUpdated[i].updated >= e.updated })
	for ; i < len(byUpdated) && byUpdated[i].updated == e.updated; i++ {
		if byUpdated[i] == e {
			return i
		}
	}
	return slices.Index(byUpdated, e)
}

// without returns a copy of list without the entries at drops, which are
// ascending.
func without(list []*entry, drops []int) []*entry {
	out := make([]*entry, 0, len(list))
	start := 0
	for _, i := range drops {
		out = append(out, list[start:i]...)
		start = i + 1
	}
	return append(out, list[start:]...)
}

// insertSorted adds added to posts, both in post order. It appends in
// place when added all sort after posts, and merges into a copy otherwise.
func insertSorted(posts, added []*entry) []*entry {
	if len(added) == 0 {
		return posts
	}
	if len(posts) == 0 || compareEntries(posts[len(posts)-1], added[0]) < 0 {
		return append(posts, added...)
	}
	return mergeSorted(posts, added)
}

// mergeSorted merges two lists that are each in post order into a new one.
func mergeSorted(a, b []*entry) []*entry {
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
	u := update{Show: !post.Hidden}
	if !post.Hidden {
		u.Content = p.postHTML(post)
	}
	writeCompactJSON(&b, u)
	// An exact copy drops the buffer's spare capacity, which is most of
	// a snapshot's memory otherwise, and holds idJSON as its prefix.
	updateJSON := bytes.Clone(b.Bytes())
	return &entry{ts: post.TS, key: key, updated: post.Updated, hidden: post.Hidden,
		idJSON: updateJSON[:len(id):len(id)], updateJSON: updateJSON}
}
