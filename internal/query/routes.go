package query

import (
	"context"
	"sort"
	"time"

	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/fare"
)

// RouteSummary is one origin and destination that has fares: how many
// series it has and when the newest of them was last seen.
type RouteSummary struct {
	Origin, Destination string
	Series              int
	LastSeen            time.Time
}

// maxRoutes bounds the routes Routes reads: origins, and destinations per
// origin.
const maxRoutes = 500

// Routes returns the routes of the latest index, the most series first
// (then by origin and destination), at most limit of them.
func (c *Client) Routes(ctx context.Context, limit int) ([]RouteSummary, error) {
	body := map[string]any{
		"size": 0, "track_total_hits": false,
		"aggs": map[string]any{"origins": map[string]any{
			"terms": map[string]any{"field": fare.FieldOrigin, "size": maxRoutes},
			"aggs": map[string]any{"destinations": map[string]any{
				"terms": map[string]any{"field": fare.FieldDestination, "size": maxRoutes},
				"aggs":  map[string]any{"last_seen": map[string]any{"max": map[string]any{"field": esindex.FieldLastSeen}}},
			}},
		}},
	}
	var out struct {
		Aggregations struct {
			Origins struct {
				Buckets []struct {
					Key          string `json:"key"`
					Destinations struct {
						Buckets []struct {
							Key      string `json:"key"`
							DocCount int    `json:"doc_count"`
							LastSeen struct {
								Value float64 `json:"value"`
							} `json:"last_seen"`
						} `json:"buckets"`
					} `json:"destinations"`
				} `json:"buckets"`
			} `json:"origins"`
		} `json:"aggregations"`
	}
	if err := c.search(ctx, esindex.LatestIndex(c.Prefix), body, &out); err != nil {
		return nil, err
	}
	var routes []RouteSummary
	for _, o := range out.Aggregations.Origins.Buckets {
		for _, d := range o.Destinations.Buckets {
			routes = append(routes, RouteSummary{Origin: o.Key, Destination: d.Key, Series: d.DocCount,
				LastSeen: time.UnixMilli(int64(d.LastSeen.Value)).UTC()})
		}
	}
	sort.Slice(routes, func(i, j int) bool {
		a, b := routes[i], routes[j]
		if a.Series != b.Series {
			return a.Series > b.Series
		}
		if a.Origin != b.Origin {
			return a.Origin < b.Origin
		}
		return a.Destination < b.Destination
	})
	if limit > 0 && len(routes) > limit {
		routes = routes[:limit]
	}
	return routes, nil
}
