package transform

import (
	"bytes"
	"testing"

	"github.com/farepipe/farepipe/internal/fault"
	"github.com/farepipe/farepipe/internal/objstore"
)

// TestRunClasses checks the class of each way Run refuses an object
// or ends without an observation.
func TestRunClasses(t *testing.T) {
	dir := objstore.NewDir(t.TempDir())
	put := func(key, body string) {
		if err := dir.Put(t.Context(), key, bytes.NewReader([]byte(body)), int64(len(body)), nil); err != nil {
			t.Fatal(err)
		}
	}
	put("raw/garbage.ndjson", "not json at all\n")
	put("curated/x.ndjson", "{}\n")
	tests := []struct {
		name   string
		cfg    Config
		want   fault.Class
		stored bool // outputs stored, the error being the outcome
	}{
		{"no input", Config{In: dir}, fault.Config, false},
		{"output area", Config{In: dir, InKey: "curated/x.ndjson"}, fault.Data, false},
		{"no known format", Config{In: dir, InKey: "raw/garbage.ndjson"}, fault.Data, true},
	}
	for _, tc := range tests {
		res, err := Run(t.Context(), tc.cfg)
		if got := fault.ClassOf(err); got != tc.want {
			t.Errorf("Run(%s) = %v, class %d, want %d", tc.name, err, got, tc.want)
		}
		if stored := res.Curated != ""; stored != tc.stored {
			t.Errorf("Run(%s): outputs stored %v, want %v", tc.name, stored, tc.stored)
		}
	}
}
