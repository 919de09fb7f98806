package query

import (
	"context"
	"sort"
	"testing"
	"time"
)

// TestRoutesCountTheSeriesOfEachRoute checks Routes against the fixture's
// own observations: every route, its number of series and the newest
// last-seen instant, the most series first.
func TestRoutesCountTheSeriesOfEachRoute(t *testing.T) {
	c, obs := loadFixture(t)
	type want struct {
		series map[string]bool
		last   time.Time
	}
	routes := map[string]*want{}
	for _, o := range obs {
		r := o.Key.Origin + "-" + o.Key.Destination
		if routes[r] == nil {
			routes[r] = &want{series: map[string]bool{}}
		}
		routes[r].series[o.SeriesID] = true
		if o.ObservedAt.After(routes[r].last) {
			routes[r].last = o.ObservedAt
		}
	}
	got, err := c.Routes(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(routes) {
		t.Fatalf("%d routes %+v, want %d", len(got), got, len(routes))
	}
	if !sort.SliceIsSorted(got, func(i, j int) bool { return got[i].Series > got[j].Series }) {
		t.Errorf("routes not the most series first: %+v", got)
	}
	for _, r := range got {
		w := routes[r.Origin+"-"+r.Destination]
		if w == nil {
			t.Errorf("route %+v is not in the fixture", r)
			continue
		}
		if r.Series != len(w.series) || !r.LastSeen.Equal(w.last) {
			t.Errorf("route %+v, want %d series last seen %s", r, len(w.series), w.last)
		}
	}
	if one, err := c.Routes(context.Background(), 1); err != nil || len(one) != 1 || one[0] != got[0] {
		t.Errorf("Routes(1) = %+v, %v; want the first of %+v", one, err, got)
	}
	empty := &Client{ES: c.ES, Prefix: c.Prefix + "-none"}
	if none, err := empty.Routes(context.Background(), 0); err != nil || len(none) != 0 {
		t.Errorf("Routes of a prefix with no index = %+v, %v; want none", none, err)
	}
}
