package esindex

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"
)

// DefaultRetention is how long farepipe suggests keeping the change log:
// a year of history for price insights, and a month to spare.
const DefaultRetention = 400 * 24 * time.Hour

// monthOf returns the month a change-log index of prefix holds, from its
// name (ObservationsIndex), and whether the name is one.
func monthOf(prefix, index string) (time.Time, bool) {
	m, ok := strings.CutPrefix(index, prefix+"-observations-")
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse("2006.01", m)
	return t, err == nil
}

// Expired returns the change-log indices of the status whose whole month
// ended before cutoff, by name, oldest first: what a retention ending at
// cutoff deletes. The latest index is never among them: it holds every
// series' history and current price.
func (st *Status) Expired(cutoff time.Time) []IndexStatus {
	var out []IndexStatus
	for _, ix := range st.Indices {
		if m, ok := monthOf(st.Prefix, ix.Name); ok && !m.AddDate(0, 1, 0).After(cutoff) {
			out = append(out, ix)
		}
	}
	return out
}

// DeleteIndices deletes the named indices.
func DeleteIndices(ctx context.Context, es esapi.Transport, names []string) error {
	if len(names) == 0 {
		return nil
	}
	ignore := true
	return send(ctx, es, esapi.IndicesDeleteRequest{Index: names, IgnoreUnavailable: &ignore},
		"deleting "+strings.Join(names, ","))
}

// MetaIndex names the index of a prefix's settings farepipe keeps in
// Elasticsearch itself: the retention floor.
func MetaIndex(prefix string) string { return prefix + "-meta" }

const floorDoc = "retention"

// SetFloor records that the change log holds nothing before the month of
// floor: it is written before a prune deletes older months, and from then
// on index and repair write no change-log document before it (a pending
// write of a pruned month would bring the month's index back). Folding into
// the latest documents, which keep every series' history, goes on as
// before. A floor only moves forward.
func SetFloor(ctx context.Context, es esapi.Transport, prefix string, floor time.Time) error {
	cur, err := ReadFloor(ctx, es, prefix)
	if err != nil {
		return err
	}
	month := time.Date(floor.Year(), floor.Month(), 1, 0, 0, 0, 0, time.UTC)
	if !month.After(cur) {
		return nil
	}
	body := `{"change_log_from":"` + month.Format(time.RFC3339) + `"}`
	return send(ctx, es, esapi.IndexRequest{Index: MetaIndex(prefix), DocumentID: floorDoc,
		Body: strings.NewReader(body), Refresh: "true"}, "recording the retention floor of "+prefix)
}

// ReadFloor returns the first month the change log of prefix holds; the
// zero time when nothing was ever pruned.
func ReadFloor(ctx context.Context, es esapi.Transport, prefix string) (time.Time, error) {
	res, err := esapi.GetRequest{Index: MetaIndex(prefix), DocumentID: floorDoc}.Do(ctx, es)
	if err != nil {
		return time.Time{}, fmt.Errorf("reading the retention floor of %s: %w", prefix, err)
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusNotFound {
		_, _ = io.Copy(io.Discard, res.Body)
		return time.Time{}, nil
	}
	if res.IsError() {
		return time.Time{}, fmt.Errorf("reading the retention floor of %s: %w", prefix, responseError(res))
	}
	var doc struct {
		Source struct {
			From time.Time `json:"change_log_from"`
		} `json:"_source"`
	}
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil {
		return time.Time{}, fmt.Errorf("decoding the retention floor of %s: %w", prefix, err)
	}
	return doc.Source.From.UTC(), nil
}
