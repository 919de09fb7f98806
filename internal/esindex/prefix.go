package esindex

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/elastic/go-elasticsearch/v8/esapi"
)

// DeletePrefix deletes everything of an index prefix: its indices and its
// index templates. Elasticsearch refuses wildcard
// deletes by default, so the indices are listed and deleted by name. What
// does not exist is no error.
func DeletePrefix(ctx context.Context, es esapi.Transport, prefix string) error {
	ignore := true
	res, err := esapi.IndicesGetRequest{Index: []string{prefix + "-*"}, IgnoreUnavailable: &ignore,
		AllowNoIndices: &ignore}.Do(ctx, es)
	if err != nil {
		return fmt.Errorf("listing indices %s-*: %w", prefix, err)
	}
	if res.IsError() {
		return fmt.Errorf("listing indices %s-*: %w", prefix, responseError(res))
	}
	var indices map[string]json.RawMessage
	err = json.NewDecoder(res.Body).Decode(&indices)
	res.Body.Close()
	if err != nil {
		return fmt.Errorf("listing indices %s-*: %w", prefix, err)
	}
	var names []string
	for name := range indices {
		names = append(names, name)
	}
	if len(names) > 0 {
		if err := send(ctx, es, esapi.IndicesDeleteRequest{Index: names, IgnoreUnavailable: &ignore}, "deleting indices of "+prefix); err != nil {
			return err
		}
	}
	for _, req := range []esapi.Request{
		esapi.IndicesDeleteIndexTemplateRequest{Name: prefix + "-observations"},
		esapi.IndicesDeleteIndexTemplateRequest{Name: prefix + "-latest"},
	} {
		if err := send(ctx, es, req, "deleting the templates of "+prefix); err != nil {
			var se *StatusError
			if !errors.As(err, &se) || se.Status != http.StatusNotFound {
				return err
			}
		}
	}
	return nil
}
