package land

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/farepipe/farepipe/internal/fault"
	"github.com/farepipe/farepipe/internal/objstore"
	"github.com/farepipe/farepipe/internal/testenv"
)

func TestDrain(t *testing.T) { testDrain(t, objstore.NewDir(t.TempDir()), "drain") }

func TestDrainS3(t *testing.T) { testDrain(t, minio(t, 0), testenv.Unique(t, "drain")) }

// failingDelete is a store whose Deletes fail as a network error does.
type failingDelete struct{ objstore.Store }

func (failingDelete) Delete(ctx context.Context, key string) error {
	return errors.New("deleting " + key + ": connection reset by peer")
}

// testDrain drains a staging prefix of two good batches, two that land
// refuses (sorted before and between them) and an empty object, and
// checks that the good ones land and are deleted, the refused ones are
// set aside in quarantine with their reasons and named in a data error,
// the empty object is left alone, and the next drain lands nothing and
// fails nothing. A drain whose deletes fail leaves the batches staged,
// and the next one finds them landed and deletes them.
func testDrain(t *testing.T, st objstore.Store, root string) {
	ctx := t.Context()
	staging := root + "/staging/shard-0-of-1/"
	files := map[string]string{
		"a.ndjson.gz":   "testdata/batch.ndjson.gz",
		"b.ndjson":      "testdata/mixed.ndjson",
		"0-bad.ndjson":  "testdata/notjson.ndjson",
		"a-bad.ndjson":  "testdata/nofetched.ndjson",
		"c.ndjson.gz":   "", // emptied by an earlier land: not a batch
		"d.ndjson.json": "testdata/batch.ndjson",
	}
	stage := func(t *testing.T, names ...string) {
		t.Helper()
		for _, name := range names {
			var data []byte
			if files[name] != "" {
				var err error
				if data, err = os.ReadFile(files[name]); err != nil {
					t.Fatal(err)
				}
			}
			if err := st.Put(ctx, staging+name, bytes.NewReader(data), int64(len(data)), nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	left := func(t *testing.T) []string {
		t.Helper()
		var keys []string
		for info, err := range st.List(ctx, staging) {
			if err != nil {
				t.Fatal(err)
			}
			keys = append(keys, strings.TrimPrefix(info.Key, staging))
		}
		return keys
	}
	var told []string
	l := &Lander{Prefix: root, Landed: func(ctx context.Context, keys []string) error {
		told = append(told, keys...)
		return nil
	}}
	m := Meta{Source: "test", Run: "test"}

	t.Run("good batches land and are deleted, refused ones set aside", func(t *testing.T) {
		stage(t, "a.ndjson.gz", "b.ndjson", "0-bad.ndjson", "a-bad.ndjson", "c.ndjson.gz", "d.ndjson.json")
		results, err := l.Drain(ctx, st, st, staging, m)
		var aside *AsideError
		if !errors.As(err, &aside) || fault.ClassOf(err) != fault.Data {
			t.Fatalf("Drain = %v; want a data error listing the batches set aside", err)
		}
		if len(results) != 2 {
			t.Errorf("Drain landed %d batches, want 2", len(results))
		}
		for _, r := range results {
			if _, err := st.Stat(ctx, r.Key); err != nil {
				t.Errorf("landed %s: %v", r.URI, err)
			}
		}
		if want := []string{staging + "a.ndjson.gz", staging + "b.ndjson"}; !slices.Equal(told, want) {
			t.Errorf("Landed was told %q, want %q", told, want)
		}
		if got, want := left(t), []string{"c.ndjson.gz", "d.ndjson.json"}; !slices.Equal(got, want) {
			t.Errorf("left in staging: %q, want %q", got, want)
		}
		if len(aside.Aside) != 2 {
			t.Fatalf("set aside %d batches, want 2: %v", len(aside.Aside), err)
		}
		for i, name := range []string{"0-bad.ndjson", "a-bad.ndjson"} {
			a, key := aside.Aside[i], QuarantineKey(root, staging+name)
			if a.Staged != st.URI(staging+name) || a.URI != st.URI(key) || !errors.Is(a.Reason, ErrInvalid) {
				t.Errorf("set aside %+v, want %s at %s for ErrInvalid", a, st.URI(staging+name), st.URI(key))
			}
			if !strings.Contains(err.Error(), a.Staged) || !strings.Contains(err.Error(), a.URI) {
				t.Errorf("Drain error %q does not name %s and %s", err, a.Staged, a.URI)
			}
			body, info, gerr := st.Get(ctx, key)
			if gerr != nil {
				t.Fatalf("quarantine copy of %s: %v", name, gerr)
			}
			got, _ := io.ReadAll(body)
			body.Close()
			want, _ := os.ReadFile(files[name])
			if !bytes.Equal(got, want) || !strings.Contains(info.Metadata[MetaReason], "invalid batch") || info.Metadata[MetaStaged] != a.Staged {
				t.Errorf("quarantine copy of %s: %d bytes, metadata %v; want the batch's %d bytes, its reason and where it waited",
					name, len(got), info.Metadata, len(want))
			}
		}
	})

	t.Run("the next drain lands nothing and fails nothing", func(t *testing.T) {
		told = nil
		if results, err := l.Drain(ctx, st, st, staging, m); err != nil || len(results) != 0 || told != nil {
			t.Errorf("drain again = %d landed, %v, told %q; want nothing landed, no error", len(results), err, told)
		}
	})

	t.Run("a failed delete leaves the batch staged, the rerun deletes it", func(t *testing.T) {
		stage(t, "a.ndjson.gz", "b.ndjson")
		_, err := l.Drain(ctx, st, failingDelete{st}, staging, m)
		if err == nil || fault.ClassOf(err) == fault.Data || errors.Is(err, ErrInvalid) {
			t.Fatalf("Drain with failing deletes = %v, want a retryable error", err)
		}
		if got := left(t); !slices.Contains(got, "a.ndjson.gz") {
			t.Errorf("left in staging: %q, want a.ndjson.gz still there", got)
		}
		results, err := l.Drain(ctx, st, st, staging, m)
		if err != nil || len(results) != 2 || !results[0].Skipped || !results[1].Skipped {
			t.Errorf("rerun = %+v, %v; want both batches found landed", results, err)
		}
		if got, want := left(t), []string{"c.ndjson.gz", "d.ndjson.json"}; !slices.Equal(got, want) {
			t.Errorf("left in staging: %q, want %q", got, want)
		}
	})

	t.Run("an empty prefix is no error", func(t *testing.T) {
		if results, err := l.Drain(ctx, st, st, root+"/staging/shard-9-of-10/", m); err != nil || len(results) != 0 {
			t.Errorf("drain of an empty prefix = %d landed, %v; want nothing landed, no error", len(results), err)
		}
	})
}

// TestSetAsideFitsLongReasonsInMetadata: a reason and a staged URI each
// longer than the metadata a store accepts are cut so that both fit, and
// the batch is set aside with them and deleted from staging.
func TestSetAsideFitsLongReasonsInMetadata(t *testing.T) {
	ctx := context.Background()
	src, dst := objstore.NewDir(t.TempDir()), objstore.NewDir(t.TempDir())
	key := "staging/" + strings.Repeat("a/", 495) + "part.ndjson.gz" // 1 012 bytes, near the 1 024 a key may have
	if err := src.Put(ctx, key, strings.NewReader("x"), 1, nil); err != nil {
		t.Fatal(err)
	}
	reason := errors.New(strings.Repeat("refusé, ", 400))
	a, err := (&Lander{}).setAside(ctx, dst, src, key, reason)
	if err != nil {
		t.Fatalf("setting aside %d bytes of reason and a %d-byte URI: %v", len(reason.Error()), len(a.Staged), err)
	}
	info, err := dst.Stat(ctx, QuarantineKey("", key))
	if err != nil {
		t.Fatal(err)
	}
	got := info.Metadata[MetaReason]
	if got == "" || !strings.HasPrefix(strings.ReplaceAll(reason.Error(), "é", "??"), got) {
		t.Errorf("reason metadata %q is not the start of the reason, printable", got)
	}
	if staged := info.Metadata[MetaStaged]; staged == "" || !strings.HasPrefix(a.Staged, staged) {
		t.Errorf("staged metadata %q is not the start of %s", staged, a.Staged)
	}
	if _, err := src.Stat(ctx, key); !errors.Is(err, objstore.ErrNotExist) {
		t.Errorf("the batch is still staged: %v", err)
	}
}
