package land

import (
	"bytes"
	"os"
	"testing"

	"github.com/farepipe/farepipe/internal/objstore"
	"github.com/farepipe/farepipe/internal/testenv"
)

func TestDrain(t *testing.T) { testDrain(t, objstore.NewDir(t.TempDir()), "drain") }

func TestDrainS3(t *testing.T) { testDrain(t, minio(t, 0), testenv.Unique(t, "drain")) }

// testDrain drains a staging prefix of two batches and a drained one,
// checks that both land and are emptied, and that a second drain and a
// drain of an empty prefix land nothing and fail nothing.
func testDrain(t *testing.T, st objstore.Store, root string) {
	staging := root + "/staging/shard-0-of-1/"
	for name, file := range map[string]string{"a.ndjson.gz": "testdata/batch.ndjson.gz", "b.ndjson": "testdata/mixed.ndjson"} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Put(t.Context(), staging+name, bytes.NewReader(data), int64(len(data)), nil); err != nil {
			t.Fatal(err)
		}
	}
	// Already drained: empty.
	if err := st.Put(t.Context(), staging+"c.ndjson.gz", bytes.NewReader(nil), 0, nil); err != nil {
		t.Fatal(err)
	}
	cfg := Config{To: st, Prefix: root, From: st, FromPrefix: staging, Meta: Meta{Source: "test", Run: "test"}}
	sum, err := Run(t.Context(), cfg)
	if err != nil || len(sum.Results) != 2 || sum.Skipped() != 0 {
		t.Fatalf("Run(drain) = %+v, %v; want 2 batches landed", sum, err)
	}
	for _, r := range sum.Results {
		if _, err := st.Stat(t.Context(), r.Key); err != nil {
			t.Errorf("landed %s: %v", r.URI, err)
		}
	}
	for _, name := range []string{"a.ndjson.gz", "b.ndjson"} {
		info, err := st.Stat(t.Context(), staging+name)
		if err != nil || info.Size != 0 || info.Metadata[MetaLanded] == "" {
			t.Errorf("drained %s: %+v, %v; want an empty object naming where it landed", name, info, err)
		}
	}
	if sum, err := Run(t.Context(), cfg); err != nil || len(sum.Results) != 0 {
		t.Errorf("drain again = %+v, %v; want nothing landed, no error", sum, err)
	}
	cfg.FromPrefix = root + "/staging/shard-9-of-10/"
	if sum, err := Run(t.Context(), cfg); err != nil || len(sum.Results) != 0 {
		t.Errorf("drain of an empty prefix = %+v, %v; want nothing landed, no error", sum, err)
	}
}
