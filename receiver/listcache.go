package receiver

import (
	"sync"
	"time"
)

// Refresh timing of the lists read from Slack's list methods (custom emoji,
// user groups): used for listMaxAge, and after a failed read tried again
// after listRetryDelay rather than a whole listMaxAge.
const (
	listMaxAge     = time.Hour
	listRetryDelay = 5 * time.Minute
)

// listCache is a name-to-value map read from one of Slack's list methods
// and kept in memory. The zero value is empty and ready to use.
type listCache struct {
	mu      sync.RWMutex
	values  map[string]string
	fetched time.Time
}

// get returns the value stored for key.
func (c *listCache) get(key string) (string, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	value, ok := c.values[key]
	return value, ok
}

// stale reports whether the list is older than listMaxAge at now.
func (c *listCache) stale(now time.Time) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return now.Sub(c.fetched) > listMaxAge
}

// loaded replaces the values with those of a successful read at now.
func (c *listCache) loaded(values map[string]string, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.values, c.fetched = values, now
}

// failed keeps the values of the last successful read and schedules the
// next read listRetryDelay after now.
func (c *listCache) failed(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fetched = now.Add(listRetryDelay - listMaxAge)
}
