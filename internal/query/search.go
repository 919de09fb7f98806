package query

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/farepipe/farepipe/internal/jsonscan"
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
	buf := answers.Get().(*bytes.Buffer)
	defer answers.Put(buf)
	data, err := c.searchAnswer(ctx, buf, index, body, filterPath...)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &BackendError{Op: "searching " + index, Status: http.StatusOK, Err: fmt.Errorf("decoding answer: %w", err)}
	}
	return nil
}

// answers holds buffers for search answers, which are read whole and
// decoded into values of their own.
var answers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// searchAnswer runs a search as search does and reads its answer into buf,
// returning its bytes.
func (c *Client) searchAnswer(ctx context.Context, buf *bytes.Buffer, index string, body any, filterPath ...string) ([]byte, error) {
	data, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("encoding query: %w", err)
	}
	yes, no := true, false
	res, err := esapi.SearchRequest{Index: []string{index}, Body: bytes.NewReader(data),
		IgnoreUnavailable: &yes, AllowNoIndices: &yes, AllowPartialSearchResults: &no, FilterPath: filterPath}.Do(ctx, c.ES)
	op := "searching " + index
	if err != nil {
		return nil, &BackendError{Op: op, Err: err}
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
		return nil, &BackendError{Op: op, Status: res.StatusCode, Err: errors.New(string(bytes.TrimSpace(msg)))}
	}
	buf.Reset()
	if _, err := buf.ReadFrom(res.Body); err != nil {
		return nil, &BackendError{Op: op, Status: res.StatusCode, Err: fmt.Errorf("reading answer: %w", err)}
	}
	return buf.Bytes(), nil
}

// hits is the part of a search answer listing documents, their sources
// or their fields (docvalue_fields) decoded as T.
type hits[T any] struct {
	Hits struct {
		Total struct {
			Value int64 `json:"value"`
		} `json:"total"`
		Hits []hit[T] `json:"hits"`
	} `json:"hits"`
}

type hit[T any] struct {
	Source T               `json:"_source"`
	Fields T               `json:"fields"`
	Sort   json.RawMessage `json:"sort"`
}

// scan runs a sorted search page by page (search_after) and hands every
// document, decoded as T, to each, stopping after limit documents (0: no
// limit) or when each returns an error. sort must give every document a
// unique position. A document is its source, or its fields when body asks
// for docvalue_fields.
func scan[T any](ctx context.Context, c *Client, index string, body map[string]any, pageSize, limit int,
	each func(*T) error) error {
	body["size"] = pageSize
	body["track_total_hits"] = false
	_, fields := body["docvalue_fields"]
	buf := answers.Get().(*bytes.Buffer)
	defer answers.Put(buf)
	seen := 0
	for {
		data, err := c.searchAnswer(ctx, buf, index, body, "hits.hits._source", "hits.hits.fields", "hits.hits.sort")
		if err != nil {
			return err
		}
		var page hits[T]
		if !page.read(data) {
			page = hits[T]{}
			if err := json.Unmarshal(data, &page); err != nil {
				return &BackendError{Op: "searching " + index, Status: http.StatusOK, Err: fmt.Errorf("decoding answer: %w", err)}
			}
		}
		for i := range page.Hits.Hits {
			if limit > 0 && seen == limit {
				return nil
			}
			doc := &page.Hits.Hits[i].Source
			if fields {
				doc = &page.Hits.Hits[i].Fields
			}
			if err := each(doc); err != nil {
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

var (
	answerFields = []string{"hits"}
	hitFields    = []string{"_source", "fields", "sort"}
)

// read is the fast path of decoding a page: the answer read in one pass,
// each document given to its own decoder (T's UnmarshalJSON when it has
// one) without encoding/json going over it first. It reports false for
// anything it does not read as encoding/json would, including a document
// its decoder refuses; the caller then decodes the page with
// encoding/json, which gives the same result or the error.
func (h *hits[T]) read(data []byte) bool {
	s := jsonscan.New(data)
	ok := s.Object(answerFields, func(int) bool {
		return s.Null() || s.Object(answerFields, func(int) bool {
			return s.Null() || s.Array(func() bool {
				var x hit[T]
				ok := s.Object(hitFields, func(f int) bool {
					raw, ok := s.Value()
					switch {
					case !ok:
						return false
					case f == 0:
						return decodeDoc(raw, &x.Source)
					case f == 1:
						return decodeDoc(raw, &x.Fields)
					}
					x.Sort = append(json.RawMessage(nil), raw...)
					return true
				})
				h.Hits.Hits = append(h.Hits.Hits, x)
				return ok
			})
		})
	})
	return ok && s.AtEnd()
}

// decodeDoc decodes a document of a hit into p, with p's own UnmarshalJSON
// when it has one.
func decodeDoc[T any](raw []byte, p *T) bool {
	if u, ok := any(p).(json.Unmarshaler); ok {
		return u.UnmarshalJSON(raw) == nil
	}
	return json.Unmarshal(raw, p) == nil
}

func term(field string, value any) map[string]any {
	return map[string]any{"term": map[string]any{field: value}}
}

func dateRange(field, from, to string) map[string]any {
	return map[string]any{"range": map[string]any{field: map[string]any{"gte": from, "lte": to}}}
}
