package query

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/fare"
)

// MaxHistory is the most change points History returns: the newest ones.
const MaxHistory = 10000

// ErrNotFound reports a series farepipe has never seen.
var ErrNotFound = errors.New("no such series")

// ValidSeriesID reports whether s has the form of a series id: 32
// lower-case hexadecimal digits.
func ValidSeriesID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// History is the stored history of one series.
type History struct {
	SeriesID string
	Key      fare.SeriesKey
	// Latest is the series' latest document: current price, first and
	// last seen, observations; nil when only change points were found.
	Latest *esindex.Latest
	// Changes are the change points, oldest first: at most the newest
	// MaxHistory of Total.
	Changes []Change
	Total   int64
}

// Change is one change point: the series took Price at ObservedAt.
type Change struct {
	ObservationID string
	ObservedAt    time.Time
	Price         fare.Money
}

// History returns the change points of a series and its latest document.
// It returns ErrNotFound when there are neither, and a *fare.FieldError
// for an id of the wrong form.
func (c *Client) History(ctx context.Context, seriesID string) (History, error) {
	h := History{SeriesID: seriesID}
	if !ValidSeriesID(seriesID) {
		return h, &fare.FieldError{Field: "id", Value: seriesID, Reason: "not a series id (32 lower-case hexadecimal digits)"}
	}
	latest, err := c.latest(ctx, seriesID)
	if err != nil {
		return h, err
	}
	h.Latest = latest
	body := map[string]any{
		"size":             MaxHistory,
		"track_total_hits": true,
		"query":            map[string]any{"bool": map[string]any{"filter": []any{term(fare.FieldSeriesID, seriesID)}}},
		"sort":             []any{map[string]any{fare.FieldObservedAt: "desc"}},
	}
	var page hits[json.RawMessage]
	if err := c.search(ctx, esindex.ObservationsPattern(c.Prefix), body, &page); err != nil {
		return h, err
	}
	h.Total = page.Hits.Total.Value
	for _, hit := range page.Hits.Hits {
		var o fare.Observation
		if err := o.UnmarshalJSON(hit.Source); err != nil {
			return h, fmt.Errorf("decoding change point of %s: %w", seriesID, err)
		}
		h.Key = o.Key
		h.Changes = append(h.Changes, Change{ObservationID: o.ID, ObservedAt: o.ObservedAt, Price: o.Price})
	}
	slices.Reverse(h.Changes)
	if latest != nil {
		h.Key = latest.Key
	}
	if latest == nil && len(h.Changes) == 0 {
		return h, ErrNotFound
	}
	return h, nil
}

// latest gets the latest document of a series; nil when there is none.
func (c *Client) latest(ctx context.Context, seriesID string) (*esindex.Latest, error) {
	index := esindex.LatestIndex(c.Prefix)
	op := "getting " + index + "/" + seriesID
	res, err := esapi.GetRequest{Index: index, DocumentID: seriesID}.Do(ctx, c.ES)
	if err != nil {
		return nil, &BackendError{Op: op, Err: err}
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusNotFound {
		_, _ = io.Copy(io.Discard, res.Body)
		return nil, nil // no document, or no index yet
	}
	if res.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
		return nil, &BackendError{Op: op, Status: res.StatusCode, Err: errors.New(string(msg))}
	}
	var doc struct {
		Source json.RawMessage `json:"_source"`
	}
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil {
		return nil, &BackendError{Op: op, Status: res.StatusCode, Err: fmt.Errorf("decoding answer: %w", err)}
	}
	return esindex.ParseLatest(doc.Source)
}
