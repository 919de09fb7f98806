package query

import (
	"context"
	"slices"
	"testing"

	"github.com/farepipe/farepipe/internal/esindex"
)

// scan reads every document once, in sort order, across pages, whether
// the documents come from _source or from doc values, and stops at its
// limit.
func TestScanPagesThroughEveryDocument(t *testing.T) {
	c, all := loadFixture(t)
	var want []string
	for _, o := range all {
		if !slices.Contains(want, o.SeriesID) {
			want = append(want, o.SeriesID)
		}
	}
	slices.Sort(want)
	query := func(docValues bool) map[string]any {
		body := map[string]any{
			"query": map[string]any{"match_all": map[string]any{}},
			"sort":  []any{map[string]any{"series_id": "asc"}},
		}
		if docValues {
			body["_source"], body["stored_fields"], body["docvalue_fields"] = false, "_none_", fareDocValueFields
		} else {
			body["_source"] = fareDocFields
		}
		return body
	}
	ctx := context.Background()
	for _, docValues := range []bool{false, true} {
		for _, limit := range []int{0, len(want) - 1} {
			var got []string
			var err error
			if docValues {
				err = scan(ctx, c, esindex.LatestIndex(c.Prefix), query(true), 2, limit, func(d *fareDocValues) error {
					got = append(got, d.SeriesID)
					return nil
				})
			} else {
				err = scan(ctx, c, esindex.LatestIndex(c.Prefix), query(false), 2, limit, func(d *fareDoc) error {
					got = append(got, d.SeriesID)
					return nil
				})
			}
			if err != nil {
				t.Fatal(err)
			}
			w := want
			if limit > 0 {
				w = want[:limit]
			}
			if !slices.Equal(got, w) {
				t.Errorf("doc values %v, limit %d: scanned %v, want %v", docValues, limit, got, w)
			}
		}
	}
}
