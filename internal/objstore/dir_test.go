package objstore

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestDirBehavesLikeAStore(t *testing.T) {
	testStore(t, NewDir(t.TempDir()), "")
}

func TestDirUnderAPrefix(t *testing.T) {
	testStore(t, NewDir(t.TempDir()), "some/prefix/")
}

func TestDirRefusesKeysOutsideItsNamespace(t *testing.T) {
	root := t.TempDir()
	d := NewDir(filepath.Join(root, "store"))
	for _, key := range []string{
		"../escape", "a/../../escape", "/abs", "a//b", "a/./b", "a/", ".",
		"a/b.meta.json", ".tmp-123", "x/.tmp-abc",
	} {
		if err := d.Put(t.Context(), key, strings.NewReader("x"), 1, nil); err == nil {
			t.Errorf("Put(%q) = nil, want error", key)
		}
		if _, err := d.Stat(t.Context(), key); err == nil || errors.Is(err, ErrNotExist) {
			t.Errorf("Stat(%q) = %v, want an invalid key error", key, err)
		}
	}
	if entries, _ := os.ReadDir(root); len(entries) > 1 {
		t.Errorf("root holds %d entries after refused puts, want at most the store dir", len(entries))
	}
}

func TestDirKeepsSidecarsAndTempFilesOutOfListings(t *testing.T) {
	root := t.TempDir()
	d := NewDir(root)
	ctx := t.Context()
	if err := d.Put(ctx, "a/b.gz", strings.NewReader("data"), 4, map[string]string{"sha256": "x"}); err != nil {
		t.Fatal(err)
	}
	// A failed put (declared size wrong) must leave no temporary file.
	if err := d.Put(ctx, "a/c.gz", strings.NewReader("da"), 4, nil); err == nil {
		t.Fatal("Put with wrong size = nil, want error")
	}
	files, _ := filepath.Glob(filepath.Join(root, "a", "*"))
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	if want := []string{"b.gz", "b.gz.meta.json"}; !slices.Equal(names, want) {
		t.Errorf("files in a/ = %q, want %q", names, want)
	}
	// A stray temp file from a crashed writer stays hidden.
	if err := os.WriteFile(filepath.Join(root, "a", ".tmp-999"), []byte("junk"), 0o644); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for info, err := range d.List(ctx, "") {
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, info.Key)
	}
	if want := []string{"a/b.gz"}; !slices.Equal(keys, want) {
		t.Errorf("List = %q, want %q", keys, want)
	}
}

func TestDirReplaceDoesNotDisturbOpenReaders(t *testing.T) {
	d := NewDir(t.TempDir())
	ctx := t.Context()
	if err := d.Put(ctx, "k", strings.NewReader("first"), 5, nil); err != nil {
		t.Fatal(err)
	}
	rc, _, err := d.Get(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if err := d.Put(ctx, "k", strings.NewReader("second!"), 7, nil); err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	if string(b) != "first" {
		t.Errorf("reader opened before replace read %q, want %q", b, "first")
	}
}

func TestDirListRefusesEscapingPrefix(t *testing.T) {
	d := NewDir(t.TempDir())
	for _, err := range d.List(t.Context(), "../x/") {
		if err == nil {
			t.Error("List(../x/) yielded an item, want an error")
		}
		return
	}
	t.Error("List(../x/) yielded nothing, want an error")
}

func TestDirURI(t *testing.T) {
	cases := []struct {
		root, key, want string
	}{
		{"/data/lake", "raw/a.gz", "file:///data/lake/raw/a.gz"},
		{"/", "data/a.gz", "file:///data/a.gz"},
		{".", "out/a.gz", "file://out/a.gz"},
		{"", "out/a.gz", "file://out/a.gz"},
		{"rel/dir", "a.gz", "file://rel/dir/a.gz"},
		{".", "", "file://."},
	}
	for _, tc := range cases {
		if got := NewDir(tc.root).URI(tc.key); got != tc.want {
			t.Errorf("NewDir(%q).URI(%q) = %q, want %q", tc.root, tc.key, got, tc.want)
		}
	}
}
