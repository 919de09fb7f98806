package plan

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/farepipe/farepipe/internal/raw"
)

// Shard is one of Count slices of a plan's searches, numbered from 0. A
// search belongs to the shard its key hashes to, so every shard takes the
// same searches on every run whatever the plan's order, the Count shards
// of a plan take each of its searches exactly once, and a search keeps its
// shard when others are added to the plan.
type Shard struct {
	Index, Count int
}

// All is the one shard that takes every search.
var All = Shard{Index: 0, Count: 1}

// ParseShard reads a shard written "i/N", 0 <= i < N.
func ParseShard(s string) (Shard, error) {
	i, n, ok := strings.Cut(s, "/")
	index, err1 := strconv.Atoi(strings.TrimSpace(i))
	count, err2 := strconv.Atoi(strings.TrimSpace(n))
	if !ok || err1 != nil || err2 != nil || count < 1 || index < 0 || index >= count {
		return Shard{}, fmt.Errorf("shard %q: want i/N with 0 <= i < N, e.g. 0/3", s)
	}
	return Shard{Index: index, Count: count}, nil
}

func (s Shard) String() string { return strconv.Itoa(s.Index) + "/" + strconv.Itoa(s.Count) }

// Has reports whether search belongs to the shard.
func (s Shard) Has(search raw.Search) bool {
	if s.Count <= 1 {
		return true
	}
	h := fnv.New64a()
	h.Write([]byte(search.Key()))
	return h.Sum64()%uint64(s.Count) == uint64(s.Index)
}

// Of returns the searches of the shard, in their order.
func (s Shard) Of(searches []raw.Search) []raw.Search {
	if s.Count <= 1 {
		return searches
	}
	out := make([]raw.Search, 0, len(searches)/s.Count+1)
	for _, search := range searches {
		if s.Has(search) {
			out = append(out, search)
		}
	}
	return out
}
