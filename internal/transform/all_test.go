package transform

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/farepipe/farepipe/internal/fault"
	"github.com/farepipe/farepipe/internal/objstore"
)

// TestRunAllTriesEveryObject checks that one object's failure neither
// stops the others nor loses their counts, that each object is reported
// once, and that the error names every object that failed.
func TestRunAllTriesEveryObject(t *testing.T) {
	dir := objstore.NewDir(t.TempDir())
	answer, err := os.ReadFile("testdata/syd-bkk.json")
	if err != nil {
		t.Fatal(err)
	}
	for key, body := range map[string][]byte{
		"raw/a.json":         answer,
		"raw/garbage.ndjson": []byte("not json at all\n"),
		"raw/b.json":         answer,
		"raw/empty.ndjson":   nil,
	} {
		if err := dir.Put(t.Context(), key, bytes.NewReader(body), int64(len(body)), nil); err != nil {
			t.Fatal(err)
		}
	}
	var cfgs []Config
	for _, key := range []string{"raw/a.json", "raw/garbage.ndjson", "raw/missing.json", "raw/b.json", "raw/empty.ndjson"} {
		cfgs = append(cfgs, Config{In: dir, InKey: key})
	}
	one, err := Run(t.Context(), cfgs[0])
	if err != nil || one.Observations == 0 {
		t.Fatalf("Run(a) = %d observations, %v; want some", one.Observations, err)
	}
	reported := map[string]int{}
	tot, err := RunAll(t.Context(), cfgs, func(cfg Config, _ Summary, _ error) { reported[cfg.InKey]++ })
	if tot.Objects != 5 || tot.Failed != 2 || tot.Empty != 1 || len(tot.Curated) != 4 || len(tot.Quarantine) != 1 {
		t.Errorf("RunAll = %d objects, %d failed, %d empty, %d curated, %d quarantined; want 5, 2, 1, 4, 1",
			tot.Objects, tot.Failed, tot.Empty, len(tot.Curated), len(tot.Quarantine))
	}
	if tot.Observations != 2*one.Observations || tot.Lines != 2*one.Lines+1 {
		t.Errorf("RunAll counts %d observations of %d lines, want %d of %d",
			tot.Observations, tot.Lines, 2*one.Observations, 2*one.Lines+1)
	}
	for _, c := range cfgs {
		if reported[c.InKey] != 1 {
			t.Errorf("%s reported %d times, want once", c.InKey, reported[c.InKey])
		}
	}
	for _, key := range []string{"raw/garbage.ndjson", "raw/missing.json"} {
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("RunAll error %v does not name %s", err, key)
		}
	}
	if !errors.Is(err, objstore.ErrNotExist) {
		t.Errorf("RunAll error %v does not wrap the missing object's", err)
	}
}

// TestCheckInput checks which inputs may be read as raw input.
func TestCheckInput(t *testing.T) {
	tests := []struct {
		uri     string
		buckets []string
		ok      bool
	}{
		{"s3://fares/raw/x.ndjson.gz", nil, true},
		{"s3://fares/raw/x.ndjson.gz", []string{"fares"}, true},
		{"s3://other/raw/x.ndjson.gz", []string{"fares", "more"}, false},
		{"s3://fares/curated/x.ndjson.gz", []string{"fares"}, false},
		{"file:///data/raw/x.ndjson", []string{"fares"}, true},
	}
	for _, tt := range tests {
		u, err := objstore.ParseURI(tt.uri)
		if err != nil {
			t.Fatal(err)
		}
		err = CheckInput(u, tt.buckets)
		if (err == nil) != tt.ok || err != nil && fault.ClassOf(err) != fault.Data {
			t.Errorf("CheckInput(%s, %v) = %v, want ok %v (else a data error)", tt.uri, tt.buckets, err, tt.ok)
		}
	}
}
