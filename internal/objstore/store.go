package objstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"time"
	"unicode/utf8"
)

// Store keeps objects under keys.
type Store interface {
	// Put stores body under key, replacing any object there, with the given
	// user metadata. size is the body's length in bytes, or -1 if unknown; a
	// body of a different length is an error and stores nothing.
	Put(ctx context.Context, key string, body io.Reader, size int64, meta map[string]string) error
	// Get opens the object under key. The caller closes the reader.
	Get(ctx context.Context, key string) (io.ReadCloser, Info, error)
	// Stat describes the object under key without reading it.
	Stat(ctx context.Context, key string) (Info, error)
	// List yields every object whose key starts with prefix, in key order,
	// without metadata. An error ends the sequence.
	List(ctx context.Context, prefix string) iter.Seq2[Info, error]
	// Delete removes the object under key and its metadata. A key that
	// holds no object is no error, as in S3.
	Delete(ctx context.Context, key string) error
	// URI returns the URI naming key in this store.
	URI(key string) string
}

// Info describes a stored object.
type Info struct {
	Key          string
	Size         int64
	Metadata     map[string]string // user metadata, lower-case keys; nil from List
	ETag         string            // opaque version tag, without quotes
	LastModified time.Time
}

// ErrNotExist reports that no object is stored under a key. Errors from Get
// and Stat wrap it.
var ErrNotExist = errors.New("object does not exist")

// ErrAccess reports that the store refused the credentials or the bucket:
// access denied, an unknown access key, a wrong signature, a bucket that does
// not exist or is misnamed. Only a change of configuration fixes it. Errors
// match it with errors.Is.
var ErrAccess = errors.New("access refused")

// ErrRejected reports that the store refuses a key, its metadata or the
// request for good (an over-long or malformed key, 400 InvalidArgument):
// sending it again cannot succeed. Errors match it with errors.Is.
var ErrRejected = errors.New("request rejected")

// classError puts err in class, one of ErrAccess and ErrRejected, keeping
// its message and its chain.
type classError struct {
	class error
	err   error
}

func (e *classError) Error() string        { return e.err.Error() }
func (e *classError) Unwrap() error        { return e.err }
func (e *classError) Is(target error) bool { return target == e.class }

// rejected puts err in the class ErrRejected.
func rejected(err error) error {
	if err == nil {
		return nil
	}
	return &classError{class: ErrRejected, err: err}
}

// MaxMeta is the most user metadata S3 accepts, counted as the sum of the
// lengths of keys and values.
const MaxMeta = 2 << 10

// MetaValue returns s as a metadata value every store accepts (see
// cleanMeta): printable ASCII, anything else replaced by '?', at most n
// bytes, without surrounding spaces.
func MetaValue(s string, n int) string {
	b := []byte(s)
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			b[i] = '?'
		}
	}
	if len(b) > n {
		b = b[:n]
	}
	return strings.TrimSpace(string(b))
}

// cleanMeta checks user metadata and returns it with lower-case keys, so
// that every store accepts and returns the same metadata. Keys are letters,
// digits and hyphens; values are printable ASCII without surrounding spaces.
// Its errors are in the class ErrRejected.
func cleanMeta(meta map[string]string) (map[string]string, error) {
	if len(meta) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(meta))
	total := 0
	for k, v := range meta {
		lk := strings.ToLower(k)
		if lk == "" || strings.Trim(lk, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return nil, rejected(fmt.Errorf("metadata key %q: want letters, digits and hyphens", k))
		}
		if _, dup := out[lk]; dup {
			return nil, rejected(fmt.Errorf("metadata key %q: given twice in different case", k))
		}
		for i := 0; i < len(v); i++ {
			if v[i] < 0x20 || v[i] > 0x7e {
				return nil, rejected(fmt.Errorf("metadata %q: value must be printable ASCII", k))
			}
		}
		if strings.TrimSpace(v) != v {
			return nil, rejected(fmt.Errorf("metadata %q: value has surrounding spaces", k))
		}
		out[lk] = v
		total += len(lk) + len(v)
	}
	if total > MaxMeta {
		return nil, rejected(fmt.Errorf("metadata is %d bytes, more than %d", total, MaxMeta))
	}
	return out, nil
}

// checkKey applies the rules every store shares: a key is non-empty UTF-8 of
// at most 1024 bytes. Its errors are in the class ErrRejected.
func checkKey(key string) error {
	switch {
	case key == "":
		return rejected(errors.New("empty key"))
	case len(key) > 1024:
		return rejected(fmt.Errorf("key is %d bytes, more than 1024", len(key)))
	case !utf8.ValidString(key):
		return rejected(fmt.Errorf("key %q is not valid UTF-8", key))
	}
	return nil
}

// sizedReader passes a body through and fails as soon as it proves longer
// or shorter than declared (want < 0 declares nothing).
type sizedReader struct {
	r    io.Reader
	want int64
	n    int64
}

func (s *sizedReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.n += int64(n)
	if s.want < 0 {
		return n, err
	}
	if s.n > s.want {
		return n, fmt.Errorf("body is longer than its declared size %d", s.want)
	}
	if err == io.EOF && s.n < s.want {
		return n, fmt.Errorf("body has %d bytes, declared size %d", s.n, s.want)
	}
	return n, err
}
