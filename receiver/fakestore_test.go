package receiver

import (
	"context"
	"fmt"
	"sync"

	"github.com/liveline/liveline/bridge"
)

// memoryStore is a bridge.PostWriter in memory. Like the SQLite store, it
// rejects changes with an invalid ts and merges with bridge.Merge.
type memoryStore struct {
	mu      sync.Mutex
	posts   map[string]*bridge.Post // by channel id and ts
	applied int                     // changes that wrote something
}

func newMemoryStore() *memoryStore {
	return &memoryStore{posts: map[string]*bridge.Post{}}
}

func (s *memoryStore) Apply(_ context.Context, c bridge.Change) (bridge.Outcome, error) {
	if _, err := bridge.ParseTS(c.TS); err != nil {
		return bridge.Outcome{}, fmt.Errorf("apply %s: %w", c.Op, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := c.ChannelID + "/" + c.TS
	next, visible, reason := bridge.Merge(s.posts[key], c)
	if next != nil {
		s.posts[key] = next
		s.applied++
	}
	return bridge.Outcome{Changed: visible, Reason: reason}, nil
}

func (s *memoryStore) writes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.applied
}
