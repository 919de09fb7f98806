package steptest

import (
	"context"
	"testing"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/testenv"
)

// ES returns the flags that point a step at the test environment's
// Elasticsearch node with an index prefix of the test's own. The indices
// and templates under that prefix are deleted when the test ends.
func ES(t *testing.T) []string {
	t.Helper()
	url := testenv.ES(t)
	prefix := testenv.Unique(t, "step")
	t.Cleanup(func() { deleteUnder(t, url, prefix) })
	return []string{"--es-url", url, "--index-prefix", prefix}
}

// deleteUnder deletes the indices, index templates and lifecycle policy
// of prefix. The cleanup runs after the test's context has ended.
func deleteUnder(t *testing.T, url, prefix string) {
	es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{url}})
	if err != nil {
		t.Errorf("deleting indices %s-*: %v", prefix, err)
		return
	}
	if err := esindex.DeletePrefix(context.Background(), es, prefix); err != nil {
		t.Error(err)
	}
}
