package query

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/elastic/go-elasticsearch/v8/esapi"
)

// Client runs queries against the indices of one prefix.
type Client struct {
	ES     esapi.Transport
	Prefix string
}

// BackendError is a failure of Elasticsearch itself: it could not be
// reached (Status 0) or answered with an error status. Its text is for
// logs, not for users.
type BackendError struct {
	Op     string // what was being done, "searching farepipe-latest"
	Status int    // HTTP status of the answer; 0 when there was none
	Err    error
}

func (e *BackendError) Error() string {
	if e.Status == 0 {
		return fmt.Sprintf("%s: %v", e.Op, e.Err)
	}
	return fmt.Sprintf("%s: HTTP %d: %v", e.Op, e.Status, e.Err)
}

func (e *BackendError) Unwrap() error { return e.Err }

// Unavailable reports whether Elasticsearch was unreachable or refused the
// request for lack of capacity (429, 503): asking again later may succeed.
func (e *BackendError) Unavailable() bool {
	return e.Status == 0 || e.Status == http.StatusTooManyRequests || e.Status == http.StatusServiceUnavailable
}

// Ping checks that Elasticsearch answers.
func (c *Client) Ping(ctx context.Context) error {
	res, err := esapi.PingRequest{}.Do(ctx, c.ES)
	if err != nil {
		return &BackendError{Op: "pinging Elasticsearch", Err: err}
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	if res.IsError() {
		return &BackendError{Op: "pinging Elasticsearch", Status: res.StatusCode, Err: errors.New(res.Status())}
	}
	return nil
}

// search runs one search on index (a name or pattern) and decodes the
// answer into out; filterPath, when given, keeps only those parts of the
// answer. A missing index is an empty answer; a search that some shard
// could not answer fails rather than answering in part.
func (c *Client) search(ctx context.Context, index string, body any, out any, filterPath ...string) error {
	data, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("encoding query: %w", err)
	}
	yes, no := true, false
	res, err := esapi.SearchRequest{Index: []string{index}, Body: bytes.NewReader(data),
		IgnoreUnavailable: &yes, AllowNoIndices: &yes, AllowPartialSearchResults: &no, FilterPath: filterPath}.Do(ctx, c.ES)
	op := "searching " + index
	if err != nil {
		return &BackendError{Op: op, Err: err}
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
		return &BackendError{Op: op, Status: res.StatusCode, Err: errors.New(string(bytes.TrimSpace(msg)))}
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		return &BackendError{Op: op, Status: res.StatusCode, Err: fmt.Errorf("decoding answer: %w", err)}
	}
	return nil
}

// hits is the part of a search answer listing documents, their sources
// decoded as T.
type hits[T any] struct {
	Hits struct {
		Total struct {
			Value int64 `json:"value"`
		} `json:"total"`
		Hits []struct {
			Source T                 `json:"_source"`
			Sort   []json.RawMessage `json:"sort"`
		} `json:"hits"`
	} `json:"hits"`
}

// scan runs a sorted search page by page (search_after) and hands every
// document's source, decoded as T, to each, stopping after limit
// documents (0: no limit) or when each returns an error. sort must give
// every document a unique position.
func scan[T any](ctx context.Context, c *Client, index string, body map[string]any, pageSize, limit int,
	each func(*T) error) error {
	body["size"] = pageSize
	body["track_total_hits"] = false
	seen := 0
	for {
		var page hits[T]
		if err := c.search(ctx, index, body, &page, "hits.hits._source", "hits.hits.sort"); err != nil {
			return err
		}
		for i := range page.Hits.Hits {
			if limit > 0 && seen == limit {
				return nil
			}
			if err := each(&page.Hits.Hits[i].Source); err != nil {
				return err
			}
			seen++
		}
		n := len(page.Hits.Hits)
		if n < pageSize || (limit > 0 && seen == limit) {
			return nil
		}
		body["search_after"] = page.Hits.Hits[n-1].Sort
	}
}

func term(field string, value any) map[string]any {
	return map[string]any{"term": map[string]any{field: value}}
}

func dateRange(field, from, to string) map[string]any {
	return map[string]any{"range": map[string]any{field: map[string]any{"gte": from, "lte": to}}}
}
