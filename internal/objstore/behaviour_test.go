package objstore

import (
	"bytes"
	"context"
	"errors"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

// testStore runs the behaviours every Store must share. Keys are created
// under prefix, which must be empty or end in "/" and hold nothing yet.
func testStore(t *testing.T, s Store, prefix string) {
	ctx := t.Context()
	put := func(t *testing.T, key, body string, meta map[string]string) {
		t.Helper()
		if err := s.Put(ctx, prefix+key, strings.NewReader(body), int64(len(body)), meta); err != nil {
			t.Fatalf("Put(%q) = %v", prefix+key, err)
		}
	}
	get := func(t *testing.T, key string) (string, Info) {
		t.Helper()
		rc, info, err := s.Get(ctx, prefix+key)
		if err != nil {
			t.Fatalf("Get(%q) = %v", prefix+key, err)
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatalf("reading %q: %v", prefix+key, err)
		}
		return string(b), info
	}
	wantMissing := func(t *testing.T, key string) {
		t.Helper()
		if _, err := s.Stat(ctx, prefix+key); !errors.Is(err, ErrNotExist) {
			t.Errorf("Stat(%q) = %v, want ErrNotExist", prefix+key, err)
		}
	}

	t.Run("put then get round-trips body and metadata", func(t *testing.T) {
		put(t, "rt/a.txt", "hello", map[string]string{"SHA256": "abc", "records": "2"})
		body, info := get(t, "rt/a.txt")
		if body != "hello" {
			t.Errorf("Get body = %q, want %q", body, "hello")
		}
		want := map[string]string{"sha256": "abc", "records": "2"}
		if !maps.Equal(info.Metadata, want) {
			t.Errorf("Get metadata = %v, want %v", info.Metadata, want)
		}
		if info.Size != 5 || info.Key != prefix+"rt/a.txt" {
			t.Errorf("Get info = %+v, want key %q size 5", info, prefix+"rt/a.txt")
		}
	})

	t.Run("stat describes without reading", func(t *testing.T) {
		put(t, "st/a.txt", "12345678", map[string]string{"sha256": "def"})
		info, err := s.Stat(ctx, prefix+"st/a.txt")
		if err != nil {
			t.Fatalf("Stat = %v", err)
		}
		if info.Size != 8 || info.Metadata["sha256"] != "def" || info.ETag == "" {
			t.Errorf("Stat = %+v, want size 8, sha256 def and an etag", info)
		}
		if age := time.Since(info.LastModified); age < -time.Minute || age > time.Minute {
			t.Errorf("Stat LastModified = %v, want about now", info.LastModified)
		}
	})

	t.Run("missing key is ErrNotExist and not retryable", func(t *testing.T) {
		_, err := s.Stat(ctx, prefix+"missing/x")
		if !errors.Is(err, ErrNotExist) || IsRetryable(err) {
			t.Errorf("Stat(missing) = %v, want ErrNotExist, not retryable", err)
		}
		_, _, err = s.Get(ctx, prefix+"missing/x")
		if !errors.Is(err, ErrNotExist) || IsRetryable(err) {
			t.Errorf("Get(missing) = %v, want ErrNotExist, not retryable", err)
		}
	})

	t.Run("a prefix of objects is not an object", func(t *testing.T) {
		put(t, "pre/dir/x", "x", nil)
		wantMissing(t, "pre/dir")
		if _, _, err := s.Get(ctx, prefix+"pre/dir"); !errors.Is(err, ErrNotExist) {
			t.Errorf("Get(prefix) = %v, want ErrNotExist", err)
		}
	})

	t.Run("put replaces body and metadata", func(t *testing.T) {
		put(t, "re/a", "old body", map[string]string{"v": "1", "gone": "yes"})
		put(t, "re/a", "new", map[string]string{"v": "2"})
		body, info := get(t, "re/a")
		if body != "new" || !maps.Equal(info.Metadata, map[string]string{"v": "2"}) {
			t.Errorf("after replace got %q %v, want %q map[v:2]", body, info.Metadata, "new")
		}
		put(t, "re/a", "bare", nil)
		if _, info := get(t, "re/a"); len(info.Metadata) != 0 {
			t.Errorf("after put without metadata got %v, want none", info.Metadata)
		}
	})

	t.Run("unknown size streams", func(t *testing.T) {
		body := strings.Repeat("z", 70000)
		if err := s.Put(ctx, prefix+"unk/a", onlyReader{strings.NewReader(body)}, -1, nil); err != nil {
			t.Fatalf("Put(size -1) = %v", err)
		}
		if got, _ := get(t, "unk/a"); got != body {
			t.Errorf("Get after Put(size -1) returned %d bytes, want %d", len(got), len(body))
		}
	})

	t.Run("empty body", func(t *testing.T) {
		put(t, "empty/a", "", nil)
		if got, info := get(t, "empty/a"); got != "" || info.Size != 0 {
			t.Errorf("Get(empty) = %q size %d, want empty", got, info.Size)
		}
	})

	t.Run("wrong declared size stores nothing", func(t *testing.T) {
		put(t, "size/kept", "original", nil)
		for _, tc := range []struct {
			name string
			body func() io.Reader
		}{
			{"short stream", func() io.Reader { return onlyReader{strings.NewReader("abc")} }},
			{"long stream", func() io.Reader { return onlyReader{strings.NewReader("abcdefghijkl")} }},
			{"short seeker", func() io.Reader { return strings.NewReader("abc") }},
			{"long seeker", func() io.Reader { return bytes.NewReader([]byte("abcdefghijkl")) }},
		} {
			if err := s.Put(ctx, prefix+"size/new", tc.body(), 10, nil); err == nil || IsRetryable(err) {
				t.Errorf("%s: Put = %v, want a permanent error", tc.name, err)
			}
			if err := s.Put(ctx, prefix+"size/kept", tc.body(), 10, nil); err == nil {
				t.Errorf("%s: Put over existing = nil, want error", tc.name)
			}
		}
		wantMissing(t, "size/new")
		if got, _ := get(t, "size/kept"); got != "original" {
			t.Errorf("object after failed replace = %q, want %q", got, "original")
		}
	})

	t.Run("bad metadata and keys are refused", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			key  string
			meta map[string]string
		}{
			{"space in metadata key", "bad/a", map[string]string{"bad key": "v"}},
			{"underscore in metadata key", "bad/a", map[string]string{"bad_key": "v"}},
			{"non-ASCII value", "bad/a", map[string]string{"k": "caf\u00e9"}},
			{"newline in value", "bad/a", map[string]string{"k": "a\nb"}},
			{"padded value", "bad/a", map[string]string{"k": " v"}},
			{"key twice by case", "bad/a", map[string]string{"k": "1", "K": "2"}},
			{"metadata over 2 KiB", "bad/a", map[string]string{"k": strings.Repeat("v", 2100)}},
			{"empty key", "", nil},
			{"key over 1024 bytes", strings.Repeat("k", 1025), nil},
		} {
			key := tc.key
			if key != "" {
				key = prefix + key
			}
			err := s.Put(ctx, key, strings.NewReader("x"), 1, tc.meta)
			if err == nil || IsRetryable(err) {
				t.Errorf("%s: Put = %v, want a permanent error", tc.name, err)
			}
		}
		wantMissing(t, "bad/a")
	})

	t.Run("list yields keys under prefix in key order", func(t *testing.T) {
		for _, k := range []string{"ls/b/2", "ls/a/x", "ls/a-b", "ls/a/y", "ls/c", "lsx/other", "ls/b/1"} {
			put(t, k, k, map[string]string{"m": "1"})
		}
		cases := []struct {
			prefix string
			want   []string
		}{
			{"ls/", []string{"ls/a-b", "ls/a/x", "ls/a/y", "ls/b/1", "ls/b/2", "ls/c"}},
			{"ls/a", []string{"ls/a-b", "ls/a/x", "ls/a/y"}},
			{"ls/a/", []string{"ls/a/x", "ls/a/y"}},
			{"ls/b/2", []string{"ls/b/2"}},
			{"ls/nothing/", nil},
			{"ls/c/", nil},
		}
		for _, tc := range cases {
			var got []string
			for info, err := range s.List(ctx, prefix+tc.prefix) {
				if err != nil {
					t.Fatalf("List(%q) = %v", tc.prefix, err)
				}
				if info.Size != int64(len(strings.TrimPrefix(info.Key, prefix))) || info.Metadata != nil {
					t.Errorf("List(%q) item %+v, want size of its key and no metadata", tc.prefix, info)
				}
				got = append(got, strings.TrimPrefix(info.Key, prefix))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("List(%q) = %q, want %q", tc.prefix, got, tc.want)
			}
		}
	})

	t.Run("delete removes the object and its metadata, and a missing key is no error", func(t *testing.T) {
		put(t, "del/a", "gone soon", map[string]string{"v": "1"})
		put(t, "del/b", "stays", nil)
		put(t, "del/dir/x", "below", nil)
		for _, key := range []string{"del/a", "del/a", "del/never", "del/dir"} {
			if err := s.Delete(ctx, prefix+key); err != nil {
				t.Errorf("Delete(%q) = %v, want nil", prefix+key, err)
			}
		}
		wantMissing(t, "del/a")
		var got []string
		for info, err := range s.List(ctx, prefix+"del/") {
			if err != nil {
				t.Fatalf("List = %v", err)
			}
			got = append(got, strings.TrimPrefix(info.Key, prefix))
		}
		if want := []string{"del/b", "del/dir/x"}; !slices.Equal(got, want) {
			t.Errorf("List after Delete = %q, want %q", got, want)
		}
		put(t, "del/a", "back", nil)
		if body, info := get(t, "del/a"); body != "back" || len(info.Metadata) != 0 {
			t.Errorf("Put after Delete: got %q %v, want %q without metadata", body, info.Metadata, "back")
		}
		if err := s.Delete(ctx, ""); err == nil || IsRetryable(err) {
			t.Errorf("Delete(empty key) = %v, want a permanent error", err)
		}
	})

	t.Run("list stops when the consumer stops", func(t *testing.T) {
		n := 0
		for _, err := range s.List(ctx, prefix+"ls/") {
			if err != nil {
				t.Fatal(err)
			}
			n++
			break
		}
		if n != 1 {
			t.Errorf("List with break yielded %d items, want 1", n)
		}
	})

	t.Run("uri names the object", func(t *testing.T) {
		u, err := ParseURI(s.URI(prefix + "rt/a.txt"))
		if err != nil {
			t.Fatalf("ParseURI(URI()) = %v", err)
		}
		if !strings.HasSuffix(u.Key, prefix+"rt/a.txt") {
			t.Errorf("ParseURI(%q).Key = %q, want suffix %q", s.URI(prefix+"rt/a.txt"), u.Key, prefix+"rt/a.txt")
		}
	})

	t.Run("cancelled context stops put and is not retryable", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		err := s.Put(cctx, prefix+"cancel/a", strings.NewReader("x"), 1, nil)
		if !errors.Is(err, context.Canceled) || IsRetryable(err) {
			t.Errorf("Put(cancelled) = %v, want context.Canceled, not retryable", err)
		}
		wantMissing(t, "cancel/a")
		if err := s.Delete(cctx, prefix+"rt/a.txt"); !errors.Is(err, context.Canceled) || IsRetryable(err) {
			t.Errorf("Delete(cancelled) = %v, want context.Canceled, not retryable", err)
		}
	})
}

// onlyReader hides every method but Read.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }
