package githost

import (
	"sync"

	"github.com/secretslab/workshop/internal/secretscan"
)

// maxVersionBytes bounds the memory the Versions kept by a history scan
// hold.
const maxVersionBytes = 32 << 20

// versionStore hands the Version of a scanned blob to the scan of another
// version of the same file, which waits for it when it is still being
// made. A Version is dropped once taken, because a version of a file is
// usually related to one other. Beyond the memory budget the oldest
// Versions are dropped too. A scan that finds no Version scans the whole
// blob.
type versionStore struct {
	mu       sync.Mutex
	done     map[blobKey]chan struct{} // closed when the blob's scan is over
	versions map[blobKey]*secretscan.Version
	order    []blobKey // keys of versions, oldest first
	size     int       // bytes held by versions
	budget   int
}

func newVersionStore(budget int) *versionStore {
	return &versionStore{done: map[blobKey]chan struct{}{}, versions: map[blobKey]*secretscan.Version{}, budget: budget}
}

// expect records that the blob at k will be scanned.
func (s *versionStore) expect(k blobKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.done[k]; !ok {
		s.done[k] = make(chan struct{})
	}
}

// take waits until the scan of the blob at k is over and returns its
// Version, or nil when there is none to take.
func (s *versionStore) take(k blobKey) *secretscan.Version {
	if k.blob == "" {
		return nil
	}
	s.mu.Lock()
	done, ok := s.done[k]
	s.mu.Unlock()
	if !ok {
		return nil
	}
	<-done
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.versions[k]
	if v != nil {
		delete(s.versions, k)
		s.size -= v.Size()
	}
	return v
}

// put stores the Version of the blob at k, which may be nil, and wakes the
// scans waiting for it.
func (s *versionStore) put(k blobKey, v *secretscan.Version) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v != nil {
		s.versions[k] = v
		s.order = append(s.order, k)
		s.size += v.Size()
		s.evict()
	}
	if done, ok := s.done[k]; ok {
		close(done)
		s.done[k] = closedDone
	}
}

// evict drops the oldest Versions until the budget holds.
func (s *versionStore) evict() {
	for s.size > s.budget && len(s.order) > 0 {
		k := s.order[0]
		s.order = s.order[1:]
		if v, ok := s.versions[k]; ok {
			delete(s.versions, k)
			s.size -= v.Size()
		}
	}
}

// closedDone replaces the channel of a finished scan, so that finished
// scans share one channel.
var closedDone = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()
