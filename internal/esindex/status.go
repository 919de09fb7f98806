package esindex

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	"github.com/elastic/go-elasticsearch/v8/esapi"
)

// Status is what Elasticsearch holds of an index prefix: its templates and
// its indices.
type Status struct {
	Prefix    string         `json:"prefix"`
	Templates map[string]int `json:"templates"` // stored version by name; 0: absent
	Indices   []IndexStatus  `json:"indices"`   // by name
}

// IndexStatus is one index of a prefix.
type IndexStatus struct {
	Name   string `json:"name"`
	Docs   int64  `json:"docs"`
	Bytes  int64  `json:"bytes"`
	Health string `json:"health"`
}

// ReadStatus reads the Status of a prefix.
func ReadStatus(ctx context.Context, es esapi.Transport, prefix string) (Status, error) {
	st := Status{Prefix: prefix, Templates: map[string]int{}}
	for _, name := range []string{prefix + "-observations", prefix + "-latest"} {
		v, err := templateVersion(ctx, es, name)
		if err != nil {
			return st, err
		}
		st.Templates[name] = v
	}
	res, err := esapi.CatIndicesRequest{Index: []string{prefix + "-*"}, Format: "json", Bytes: "b",
		H: []string{"index", "docs.count", "store.size", "health"}, ExpandWildcards: "open"}.Do(ctx, es)
	if err != nil {
		return st, fmt.Errorf("listing indices %s-*: %w", prefix, err)
	}
	if res.IsError() {
		return st, fmt.Errorf("listing indices %s-*: %w", prefix, responseError(res))
	}
	var rows []struct {
		Index  string `json:"index"`
		Docs   string `json:"docs.count"`
		Size   string `json:"store.size"`
		Health string `json:"health"`
	}
	err = json.NewDecoder(res.Body).Decode(&rows)
	res.Body.Close()
	if err != nil {
		return st, fmt.Errorf("decoding the indices of %s: %w", prefix, err)
	}
	for _, r := range rows {
		docs, _ := strconv.ParseInt(r.Docs, 10, 64) // empty while an index opens
		size, _ := strconv.ParseInt(r.Size, 10, 64)
		st.Indices = append(st.Indices, IndexStatus{Name: r.Index, Docs: docs, Bytes: size, Health: r.Health})
	}
	sort.Slice(st.Indices, func(i, j int) bool { return st.Indices[i].Name < st.Indices[j].Name })
	return st, nil
}
