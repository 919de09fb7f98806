package plan

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/farepipe/farepipe/internal/raw"
)

// TestShardsPartitionThePlan checks on random plans that the N shards of a
// plan take each search exactly once, the same searches however the plan
// is ordered, and about as many each.
func TestShardsPartitionThePlan(t *testing.T) {
	seed := rand.Uint64()
	rng := rand.New(rand.NewPCG(seed, 1))
	routes := []string{"ICN-NRT", "ICN-KIX", "GMP-HND", "ICN-FUK", "PUS-NRT", "ICN-CTS"}
	for trial := 0; trial < 200; trial++ {
		p := Plan{Departure: Window{From: "2027-01-01", Days: 1 + rng.IntN(60)}, Adults: 1}
		for _, r := range rng.Perm(len(routes))[:1+rng.IntN(len(routes))] {
			p.Routes = append(p.Routes, splitRoute(routes[r]))
		}
		if rng.IntN(2) == 0 {
			p.Stays = []int{3, 7}
		}
		searches := p.Searches()
		n := 1 + rng.IntN(8)
		shuffled := slices.Clone(searches)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		seen := map[string]int{}
		for i := range n {
			sh := Shard{Index: i, Count: n}
			got := sh.Of(searches)
			if again := sh.Of(shuffled); !sameKeys(got, again) {
				t.Fatalf("seed %d trial %d: shard %s takes other searches when the plan is reordered", seed, trial, sh)
			}
			for _, s := range got {
				seen[s.Key()]++
			}
			if len(searches) >= 200*n && (len(got) < len(searches)/n/2 || len(got) > 2*len(searches)/n) {
				t.Errorf("seed %d trial %d: shard %s takes %d of %d searches", seed, trial, sh, len(got), len(searches))
			}
		}
		for _, s := range searches {
			if seen[s.Key()] != 1 {
				t.Fatalf("seed %d trial %d: search %s is in %d of %d shards, want exactly 1", seed, trial, s.Key(), seen[s.Key()], n)
			}
		}
	}
}

func sameKeys(a, b []raw.Search) bool {
	ka, kb := make([]string, len(a)), make([]string, len(b))
	for i := range a {
		ka[i] = a[i].Key()
	}
	for i := range b {
		kb[i] = b[i].Key()
	}
	slices.Sort(ka)
	slices.Sort(kb)
	return slices.Equal(ka, kb)
}

func TestParseShard(t *testing.T) {
	for _, ok := range []string{"0/1", "2/3", " 1 / 4 "} {
		if _, err := ParseShard(ok); err != nil {
			t.Errorf("ParseShard(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "1", "3/3", "-1/3", "0/0", "a/b", "1/2/3"} {
		if _, err := ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) succeeded, want an error", bad)
		}
	}
}
