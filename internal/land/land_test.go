package land

import (
	"bytes"
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/farepipe/farepipe/internal/objstore"
)

func TestLandIntoDir(t *testing.T) {
	testLand(t, objstore.NewDir(t.TempDir()), "lake")
}

// testLand runs the behaviours landing must have in every store, each under
// its own key prefix below prefix.
func testLand(t *testing.T, store objstore.Store, prefix string) {
	ctx := t.Context()
	lander := func(t *testing.T) *Lander {
		return &Lander{Prefix: prefix + "/" + strings.ReplaceAll(strings.ToLower(t.Name()), "/", "-"), TempDir: t.TempDir()}
	}
	listKeys := func(t *testing.T, l *Lander) []string {
		t.Helper()
		var keys []string
		for info, err := range store.List(ctx, l.Prefix+"/") {
			if err != nil {
				t.Fatalf("List(%q) = %v", l.Prefix, err)
			}
			keys = append(keys, info.Key)
		}
		return keys
	}
	read := func(t *testing.T, key string) ([]byte, objstore.Info) {
		t.Helper()
		rc, info, err := store.Get(ctx, key)
		if err != nil {
			t.Fatalf("Get(%q) = %v", key, err)
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatalf("reading %q: %v", key, err)
		}
		return b, info
	}

	t.Run("lands at the content key with metadata", func(t *testing.T) {
		l := lander(t)
		res, err := l.LandFile(ctx, store, "testdata/batch.ndjson.gz", Meta{Run: "collect-x7k2p", Part: 3})
		if err != nil {
			t.Fatalf("LandFile = %v", err)
		}
		want := Result{
			Key:       l.Prefix + "/raw/source=amadeus/date=2026-11-21/b93bc438feb68a0a.ndjson.gz",
			Size:      265,
			SHA256:    batchSHA,
			Records:   3,
			FetchedAt: time.Date(2026, 11, 21, 23, 59, 58, 0, time.UTC),
		}
		want.URI = store.URI(want.Key)
		if res != want {
			t.Errorf("LandFile = %+v, want %+v", res, want)
		}
		got, info := read(t, res.Key)
		file, _ := os.ReadFile("testdata/batch.ndjson.gz")
		if !bytes.Equal(got, file) {
			t.Errorf("stored object differs from the batch file")
		}
		wantMeta := map[string]string{
			"sha256": batchSHA, "source": "amadeus", "records": "3",
			"fetched-at": "2026-11-21T23:59:58Z", "run": "collect-x7k2p", "part": "3",
		}
		if !maps.Equal(info.Metadata, wantMeta) {
			t.Errorf("metadata = %v, want %v", info.Metadata, wantMeta)
		}
	})

	t.Run("landing twice stores one object", func(t *testing.T) {
		l := lander(t)
		first, err := l.LandFile(ctx, store, "testdata/batch.ndjson.gz", Meta{Run: "run-1"})
		if err != nil {
			t.Fatal(err)
		}
		second, err := l.LandFile(ctx, store, "testdata/batch.ndjson.gz", Meta{Run: "run-2", Part: 7})
		if err != nil {
			t.Fatalf("second LandFile = %v", err)
		}
		if first.Skipped || !second.Skipped || second.Key != first.Key {
			t.Errorf("LandFile twice = %+v then %+v, want the same key, second skipped", first, second)
		}
		if keys := listKeys(t, l); !slices.Equal(keys, []string{first.Key}) {
			t.Errorf("objects after landing twice = %q, want only %q", keys, first.Key)
		}
		if _, info := read(t, first.Key); info.Metadata["run"] != "run-1" {
			t.Errorf("run metadata = %q, want %q (no second upload)", info.Metadata["run"], "run-1")
		}
	})

	t.Run("different content under the key is a conflict", func(t *testing.T) {
		for _, meta := range []map[string]string{{"sha256": strings.Repeat("0", 64)}, nil} {
			l := lander(t)
			key := l.Prefix + "/raw/source=amadeus/date=2026-11-21/b93bc438feb68a0a.ndjson.gz"
			if err := store.Put(ctx, key, strings.NewReader("other"), 5, meta); err != nil {
				t.Fatal(err)
			}
			_, err := l.LandFile(ctx, store, "testdata/batch.ndjson.gz", Meta{})
			if !errors.Is(err, ErrConflict) || objstore.IsRetryable(err) {
				t.Errorf("LandFile over other content (metadata %v) = %v, want ErrConflict", meta, err)
			}
			if got, _ := read(t, key); string(got) != "other" {
				t.Errorf("object after conflict = %q, want it untouched", got)
			}
		}
	})

	t.Run("plain ndjson is gzipped to the same key every time", func(t *testing.T) {
		l := lander(t)
		first, err := l.LandFile(ctx, store, "testdata/batch.ndjson", Meta{})
		if err != nil {
			t.Fatal(err)
		}
		second, err := l.LandFile(ctx, store, "testdata/batch.ndjson", Meta{})
		if err != nil || !second.Skipped || second.Key != first.Key {
			t.Errorf("second LandFile(plain) = %+v, %v; want skipped at %q", second, err, first.Key)
		}
		if !strings.HasPrefix(first.Key, l.Prefix+"/raw/source=amadeus/date=2026-11-21/") || first.Records != 3 {
			t.Errorf("LandFile(plain) = %+v, want amadeus 2026-11-21 with 3 records", first)
		}
		stored, _ := read(t, first.Key)
		zr, err := gzip.NewReader(bytes.NewReader(stored))
		if err != nil {
			t.Fatalf("stored object is not gzip: %v", err)
		}
		plain, _ := io.ReadAll(zr)
		want, _ := os.ReadFile("testdata/batch.ndjson")
		if !bytes.Equal(plain, want) {
			t.Errorf("stored object decompresses to %d bytes that differ from the %d of the batch", len(plain), len(want))
		}
		if entries, _ := os.ReadDir(l.TempDir); len(entries) != 0 {
			t.Errorf("temporary directory holds %d files after landing, want none", len(entries))
		}
	})

	t.Run("a given source wins and is sanitized", func(t *testing.T) {
		l := lander(t)
		res, err := l.LandFile(ctx, store, "testdata/mixed.ndjson", Meta{Source: "Tardis.dev"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(res.Key, "/raw/source=tardis-dev/date=2026-11-22/") {
			t.Errorf("LandFile(source Tardis.dev) key = %q, want source=tardis-dev", res.Key)
		}
		if _, info := read(t, res.Key); info.Metadata["source"] != "tardis-dev" {
			t.Errorf("source metadata = %q, want tardis-dev", info.Metadata["source"])
		}
	})

	t.Run("bad batches are refused and store nothing", func(t *testing.T) {
		cases := []struct {
			file string
			meta Meta
			want error
			text string
		}{
			{"truncated.ndjson.gz", Meta{}, ErrInvalid, "truncated"},
			{"notjson.ndjson", Meta{}, ErrInvalid, "line 2"},
			{"nofetched.ndjson", Meta{}, ErrInvalid, "no fetched_at"},
			{"mixed.ndjson", Meta{}, ErrInvalid, "give a source"},
			{"batch.ndjson.gz", Meta{Source: "%%%"}, ErrInvalid, "give a source"},
			{"empty.ndjson.gz", Meta{}, ErrEmpty, "empty batch"},
		}
		l := lander(t)
		for _, tc := range cases {
			_, err := l.LandFile(ctx, store, filepath.Join("testdata", tc.file), tc.meta)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.text) || !strings.Contains(err.Error(), tc.file) {
				t.Errorf("LandFile(%s) = %v, want %v mentioning %q and the file", tc.file, err, tc.want, tc.text)
			}
		}
		if keys := listKeys(t, l); len(keys) != 0 {
			t.Errorf("objects after refused batches = %q, want none", keys)
		}
	})

	t.Run("a directory lands its batches in name order", func(t *testing.T) {
		dir := t.TempDir()
		copyFile(t, "testdata/batch.ndjson.gz", filepath.Join(dir, "b.ndjson.gz"))
		copyFile(t, "testdata/mixed.ndjson", filepath.Join(dir, "a.ndjson"))
		copyFile(t, "testdata/notjson.ndjson", filepath.Join(dir, ".hidden.ndjson"))
		copyFile(t, "testdata/notjson.ndjson", filepath.Join(dir, "notes.txt"))
		copyFile(t, "testdata/notjson.ndjson", filepath.Join(dir, "sub", "c.ndjson"))
		l := lander(t)
		m := Meta{Source: "amadeus", Run: "wf-dir", Part: 9}
		results, err := l.LandDir(ctx, store, dir, m)
		if err != nil {
			t.Fatalf("LandDir = %v", err)
		}
		if len(results) != 2 || results[1].SHA256 != batchSHA || results[0].Records != 2 {
			t.Fatalf("LandDir = %+v, want a.ndjson (2 records) then b.ndjson.gz", results)
		}
		for i, res := range results {
			if _, info := read(t, res.Key); info.Metadata["part"] != strconv.Itoa(i) || info.Metadata["run"] != "wf-dir" {
				t.Errorf("result %d metadata = %v, want part %d, run wf-dir", i, info.Metadata, i)
			}
		}
		again, err := l.LandDir(ctx, store, dir, m)
		if err != nil || len(again) != 2 || !again[0].Skipped || !again[1].Skipped {
			t.Errorf("LandDir again = %+v, %v; want both skipped", again, err)
		}
		if keys := listKeys(t, l); len(keys) != 2 {
			t.Errorf("objects after landing the directory twice = %q, want 2", keys)
		}
	})

	t.Run("a bad part stops the directory after the good ones", func(t *testing.T) {
		dir := t.TempDir()
		copyFile(t, "testdata/batch.ndjson.gz", filepath.Join(dir, "a.ndjson.gz"))
		copyFile(t, "testdata/notjson.ndjson", filepath.Join(dir, "b.ndjson"))
		copyFile(t, "testdata/batch.ndjson", filepath.Join(dir, "c.ndjson"))
		l := lander(t)
		results, err := l.LandDir(ctx, store, dir, Meta{})
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "b.ndjson") || len(results) != 1 {
			t.Errorf("LandDir = %d results, %v; want 1 result and ErrInvalid naming b.ndjson", len(results), err)
		}
	})
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
