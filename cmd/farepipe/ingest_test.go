package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/farepipe/farepipe/internal/esindex"
	"github.com/farepipe/farepipe/internal/testenv"
)

// TestIngestCommand ingests a crawler's CSV rows from a local directory
// with the example mappings: they are transformed next to the input and
// indexed; a second run finds only duplicates; without the mapping the
// file is of no known format (exit 3).
func TestIngestCommand(t *testing.T) {
	t.Parallel()
	url := testenv.ES(t)
	prefix := testenv.Unique(t, "ingest")
	t.Cleanup(func() { deleteIndices(t, url, prefix) })
	dir := t.TempDir()
	rows, err := os.ReadFile("../../examples/data/faresnap.csv")
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "incoming", "faresnap", "fares.csv")
	if err := os.MkdirAll(filepath.Dir(in), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, rows, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"ingest", "--in", "file://" + in, "--mapping", "../../examples/mappings", "--es-url", url,
		"--index-prefix", prefix, "--log-level", "error"}
	code, out := runApp(t, args...)
	if code != 0 || !strings.Contains(out, "6 fare rows (mapping faresnap) -> 5 observations, 0 rejected") ||
		!strings.Contains(out, "5 new change points") {
		t.Fatalf("farepipe %s: exit %d\n%s", strings.Join(args, " "), code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "curated", "incoming", "faresnap", "fares.csv.ndjson.gz")); err != nil {
		t.Errorf("curated object: %v", err)
	}
	if code, out := runApp(t, args...); code != 0 || !strings.Contains(out, "0 new change points, 0 unchanged, 5 duplicate") {
		t.Errorf("second ingest: exit %d, want 5 duplicates\n%s", code, out)
	}
	noMapping := []string{"ingest", "--in", "file://" + in, "--es-url", url, "--index-prefix", prefix, "--log-level", "error"}
	if code, out := runApp(t, noMapping...); code != 3 || !strings.Contains(out, "no format transform reads") {
		t.Errorf("ingest without --mapping: exit %d, want 3\n%s", code, out)
	}
	if code, out := runApp(t, "ingest", "--in", "file://"+in, "--mapping", "nope.yaml", "--es-url", url, "--index-prefix", prefix); code != 2 {
		t.Errorf("ingest --mapping nope.yaml: exit %d, want 2\n%s", code, out)
	}
}

// deleteIndices removes everything of prefix: indices, templates and
// lifecycle policy.
func deleteIndices(t *testing.T, url, prefix string) {
	es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{url}})
	if err != nil {
		t.Error(err)
		return
	}
	if err := esindex.DeletePrefix(context.Background(), es, prefix); err != nil {
		t.Error(err)
	}
}
