package step

import (
	"testing"

	"github.com/farepipe/farepipe/internal/plan"
)

// TestShare checks that the shares of a total add up to it, differ by at
// most one, and go to the lowest shards first.
func TestShare(t *testing.T) {
	for _, tc := range []struct {
		total, count int
		want         []int
	}{
		{10, 1, []int{10}},
		{10, 3, []int{4, 3, 3}},
		{11, 3, []int{4, 4, 3}},
		{2, 4, []int{1, 1, 0, 0}},
		{0, 2, []int{0, 0}},
	} {
		for i, want := range tc.want {
			if got := Share(tc.total, plan.Shard{Index: i, Count: tc.count}); got != want {
				t.Errorf("Share(%d, %d/%d) = %d, want %d", tc.total, i, tc.count, got, want)
			}
		}
	}
}
