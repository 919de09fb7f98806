package esindex

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/farepipe/farepipe/internal/jsonscan"
)

// latest reads the latest documents of the given series. The map is nil
// when none is stored.
func (rn *run) latest(ctx context.Context, ids []string) (map[string]*Latest, error) {
	body := append(rn.mget[:0], `{"ids":[`...)
	for i, id := range ids {
		if i > 0 {
			body = append(body, ',')
		}
		body = appendJSONString(body, id)
	}
	body = append(body, "]}"...)
	rn.mget = body
	res, err := esapi.MgetRequest{Index: rn.latestIndex, Body: bytes.NewReader(body)}.Do(ctx, rn.es)
	if err != nil {
		return nil, fmt.Errorf("reading latest documents: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusNotFound {
		_, _ = io.Copy(io.Discard, res.Body)
		return nil, nil // no latest index yet
	}
	if res.IsError() {
		return nil, fmt.Errorf("reading latest documents: %w", responseError(res))
	}
	buf := bytes.NewBuffer(rn.mget[:0]) // the request has been sent
	if _, err := buf.ReadFrom(res.Body); err != nil {
		return nil, fmt.Errorf("reading latest documents: %w", err)
	}
	rn.mget = buf.Bytes()
	var out mgetResponse
	if err := out.decode(rn.mget); err != nil {
		return nil, fmt.Errorf("decoding latest documents: %w", err)
	}
	var current map[string]*Latest
	for _, d := range out.Docs {
		if d.Error != nil {
			if d.Error.Type == "index_not_found_exception" {
				continue
			}
			return nil, fmt.Errorf("reading latest document %s: %s: %s", d.ID, d.Error.Type, d.Error.Reason)
		}
		if !d.Found {
			continue
		}
		l, err := ParseLatest(d.Source)
		if err != nil {
			return nil, err
		}
		l.seqNo, l.primaryTerm = d.SeqNo, d.PrimaryTerm
		if current == nil {
			current = make(map[string]*Latest)
		}
		current[d.ID] = l
	}
	return current, nil
}

// appendJSONString appends s as a JSON string. Identifiers are hex and
// need no escapes; anything else goes through encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// mgetResponse is what latest reads of an _mget response.
type mgetResponse struct {
	Docs []mgetDoc `json:"docs"`
}

type mgetDoc struct {
	ID          string          `json:"_id"`
	Found       bool            `json:"found"`
	Source      json.RawMessage `json:"_source"`
	Error       *mgetError      `json:"error"`
	SeqNo       int64           `json:"_seq_no"`
	PrimaryTerm int64           `json:"_primary_term"`
}

type mgetError struct {
	Type   string `json:"type"`
	Reason string `json:"reason"`
}

var (
	mgetFields      = []string{"docs"}
	mgetDocFields   = []string{"_id", "found", "_source", "_seq_no", "_primary_term", "error"}
	mgetErrorFields = []string{"type", "reason"}
)

// decode reads the response in one pass over its bytes when it has the
// shape Elasticsearch writes, and with encoding/json otherwise (see
// bulkDecoder), with the same results either way. The results do not
// alias data.
func (m *mgetResponse) decode(data []byte) error {
	if m.read(data) {
		return nil
	}
	*m = mgetResponse{}
	return json.NewDecoder(bytes.NewReader(data)).Decode(m)
}

// read is the fast path of decode. The ids of the documents share one
// copy of data, rather than one allocation each.
func (m *mgetResponse) read(data []byte) bool {
	d := jsonscan.New(data)
	var src string // data as a string, made at the first id
	return d.Object(mgetFields, func(int) bool {
		if d.Null() {
			m.Docs = nil
			return true
		}
		m.Docs = []mgetDoc{}
		return d.Array(func() bool {
			m.Docs = append(m.Docs, mgetDoc{})
			doc := &m.Docs[len(m.Docs)-1]
			return d.Object(mgetDocFields, func(f int) bool {
				switch f {
				case 0:
					if d.Null() {
						return true
					}
					id, ok := d.Text()
					if ok {
						if src == "" {
							src = string(data)
						}
						end := d.Pos() - 1 // the closing quote
						doc.ID = src[end-len(id) : end]
					}
					return ok
				case 1:
					return d.Null() || d.Bool(&doc.Found)
				case 2:
					v, ok := d.Value()
					doc.Source = append(json.RawMessage(nil), v...)
					return ok
				case 3:
					return d.Null() || d.Int64(&doc.SeqNo)
				case 4:
					return d.Null() || d.Int64(&doc.PrimaryTerm)
				}
				if d.Null() {
					doc.Error = nil
					return true
				}
				doc.Error = &mgetError{}
				return d.Object(mgetErrorFields, func(f int) bool {
					if f == 0 {
						return d.Null() || d.Str(&doc.Error.Type)
					}
					return d.Null() || d.Str(&doc.Error.Reason)
				})
			})
		})
	})
}

// present reports for each op whether its document exists now. A change
// point's document is the same whichever fold writes it, so one that
// exists is as its pending write would leave it.
func (rn *run) present(ctx context.Context, ops []op) ([]bool, error) {
	found := make([]bool, len(ops))
	if len(ops) == 0 {
		return found, nil
	}
	body := append(rn.mget[:0], `{"docs":[`...)
	for i := range ops {
		if i > 0 {
			body = append(body, ',')
		}
		body = appendJSONString(append(body, `{"_index":`...), ops[i].index)
		body = append(appendJSONString(append(body, `,"_id":`...), ops[i].id), '}')
	}
	body = append(body, "]}"...)
	rn.mget = body
	res, err := esapi.MgetRequest{Body: bytes.NewReader(body), Source: []string{"false"}}.Do(ctx, rn.es)
	if err != nil {
		return nil, fmt.Errorf("reading pending change points: %w", err)
	}
	defer res.Body.Close()
	if res.IsError() {
		return nil, fmt.Errorf("reading pending change points: %w", responseError(res))
	}
	var out mgetResponse
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("reading pending change points: %w", err)
	}
	if err := out.decode(data); err != nil {
		return nil, fmt.Errorf("decoding pending change points: %w", err)
	}
	if len(out.Docs) != len(ops) {
		return nil, fmt.Errorf("reading pending change points: %d answers for %d documents", len(out.Docs), len(ops))
	}
	for i, d := range out.Docs {
		if d.Error != nil && d.Error.Type != "index_not_found_exception" {
			return nil, fmt.Errorf("reading change point %s: %s: %s", d.ID, d.Error.Type, d.Error.Reason)
		}
		found[i] = d.Found
	}
	return found, nil
}
