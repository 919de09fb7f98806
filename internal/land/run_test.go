package land

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/farepipe/farepipe/internal/fault"
	"github.com/farepipe/farepipe/internal/objstore"
)

func TestValidate(t *testing.T) {
	dst := objstore.NewDir(t.TempDir())
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"path", Config{To: dst, Path: "testdata/batch.ndjson"}, true},
		{"stream", Config{To: dst, Reader: strings.NewReader("")}, true},
		{"object", Config{To: dst, From: dst, FromKey: "raw/x.ndjson.gz"}, true},
		{"no destination", Config{Path: "testdata/batch.ndjson"}, false},
		{"no source", Config{To: dst}, false},
		{"two sources", Config{To: dst, Path: "testdata/batch.ndjson", Reader: strings.NewReader("")}, false},
		{"object without key", Config{To: dst, From: dst}, false},
		{"prefix", Config{To: dst, From: dst, FromPrefix: "staging/"}, true},
		{"key and prefix", Config{To: dst, From: dst, FromKey: "raw/x.ndjson.gz", FromPrefix: "staging/"}, false},
		{"prefix without store", Config{To: dst, FromPrefix: "staging/"}, false},
		{"missing file", Config{To: dst, Path: "testdata/nope.ndjson"}, false},
	}
	for _, tc := range tests {
		err := tc.cfg.Validate()
		if (err == nil) != tc.ok {
			t.Errorf("Validate(%s) = %v, want ok %v", tc.name, err, tc.ok)
		}
		if err != nil && fault.ClassOf(err) != fault.Config {
			t.Errorf("Validate(%s) = %v, class %d, want fault.Config", tc.name, err, fault.ClassOf(err))
		}
	}
}

func TestRunEmptyDir(t *testing.T) {
	sum, err := Run(t.Context(), Config{To: objstore.NewDir(t.TempDir()), Path: t.TempDir()})
	if !errors.Is(err, ErrEmpty) || len(sum.Results) != 0 {
		t.Errorf("Run(empty dir) = %d results, %v; want none and ErrEmpty", len(sum.Results), err)
	}
}

func TestRunDir(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"batch.ndjson", "batch.ndjson.gz"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := Run(t.Context(), Config{To: objstore.NewDir(t.TempDir()), Path: dir, Prefix: "p"})
	if err != nil {
		t.Fatalf("Run(dir) = %v", err)
	}
	if len(sum.Results) != 2 || !strings.HasPrefix(sum.Results[0].Key, "p/raw/") {
		t.Errorf("Run(dir) landed %+v, want 2 batches under p/raw/", sum.Results)
	}
}
