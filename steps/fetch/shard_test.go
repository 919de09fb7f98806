package main

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/farepipe/farepipe/internal/step"
	"github.com/farepipe/farepipe/internal/step/steptest"
)

// TestShardsFetchEachSearchOnce runs fetch as three shards of one plan and
// checks that together they write each search of the whole plan once.
func TestShardsFetchEachSearchOnce(t *testing.T) {
	plan := []string{"--routes", "ICN-NRT,ICN-KIX,GMP-HND", "--from", "2027-01-05", "--days", "10",
		"--stay", "3,7", "--observed-at", "2026-12-01T06:00:00Z"}
	dir := t.TempDir()
	run := func(name string, args ...string) ([]string, steptest.Result) {
		path := filepath.Join(dir, name+".ndjson.gz")
		r := steptest.Run(t, app(), append(append(append([]string{}, plan...), "--out", "file://"+path), args...)...)
		if r.Code != step.ExitOK {
			return nil, r
		}
		return requests(t, path), r
	}
	whole, _ := run("whole")
	if len(whole) != 60 {
		t.Fatalf("the whole plan wrote %d envelopes, want 60", len(whole))
	}
	seen := map[string]int{}
	for i := range 3 {
		got, r := run(fmt.Sprintf("shard%d", i), "--shard", fmt.Sprintf("%d/3", i))
		if r.Code != step.ExitOK {
			t.Fatalf("shard %d/3: exit %d\n%s", i, r.Code, r.Out)
		}
		if len(got) == 0 || len(got) == len(whole) {
			t.Errorf("shard %d/3 wrote %d of %d searches", i, len(got), len(whole))
		}
		for _, k := range got {
			seen[k]++
		}
	}
	for _, k := range whole {
		if seen[k] != 1 {
			t.Errorf("search %s fetched by %d of 3 shards, want 1", k, seen[k])
		}
	}
	if _, r := run("bad", "--shard", "3/3"); r.Code != step.ExitUsage || !strings.Contains(r.Out, "--shard") {
		t.Errorf("--shard 3/3: exit %d, %s; want 2 naming --shard", r.Code, r.Out)
	}
}

// requests returns the request of each envelope of the batch at path.
func requests(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if i := strings.Index(line, `"request":`); i >= 0 {
			keys = append(keys, line[i:i+strings.Index(line[i:], "}")])
		}
	}
	return keys
}
