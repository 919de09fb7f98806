package objstore

import (
	"fmt"
	"path"
	"strings"
)

// URI names an object, or a prefix of objects, in a store.
//
// For Scheme "s3", Bucket is the bucket name and Key the object key, verbatim.
// For Scheme "file", Bucket is the root a local store is opened on: "/" for
// an absolute path, "." for a relative one; Key is the cleaned, slash-separated
// path below that root.
type URI struct {
	Scheme string
	Bucket string
	Key    string
}

// String returns the URI in the form ParseURI reads.
func (u URI) String() string {
	switch u.Scheme {
	case "file":
		if u.Bucket == "/" {
			return "file:///" + u.Key
		}
		if u.Key == "" {
			return "file://."
		}
		return "file://" + u.Key
	default:
		if u.Key == "" {
			return u.Scheme + "://" + u.Bucket
		}
		return u.Scheme + "://" + u.Bucket + "/" + u.Key
	}
}

// ParseURI parses "s3://bucket/key" or "file://path" (see the package
// comment for the forms accepted).
func ParseURI(s string) (URI, error) {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return URI{}, fmt.Errorf("parsing URI %q: missing scheme, want s3:// or file://", s)
	}
	switch strings.ToLower(scheme) {
	case "s3":
		bucket, key, _ := strings.Cut(rest, "/")
		if bucket == "" {
			return URI{}, fmt.Errorf("parsing URI %q: missing bucket", s)
		}
		if err := checkBucket(bucket); err != nil {
			return URI{}, fmt.Errorf("parsing URI %q: %w", s, err)
		}
		return URI{Scheme: "s3", Bucket: bucket, Key: key}, nil
	case "file":
		return parseFile(s, rest)
	default:
		return URI{}, fmt.Errorf("parsing URI %q: unsupported scheme %q, want s3 or file", s, scheme)
	}
}

func parseFile(s, p string) (URI, error) {
	if p == "" {
		return URI{}, fmt.Errorf("parsing URI %q: missing path", s)
	}
	if strings.HasPrefix(p, "/") {
		key := strings.TrimPrefix(path.Clean(p), "/")
		return URI{Scheme: "file", Bucket: "/", Key: key}, nil
	}
	key := path.Clean(p)
	if key == ".." || strings.HasPrefix(key, "../") {
		return URI{}, fmt.Errorf("parsing URI %q: relative path leaves the working directory, use an absolute path", s)
	}
	if key == "." {
		key = ""
	}
	return URI{Scheme: "file", Bucket: ".", Key: key}, nil
}

// checkBucket applies the S3 bucket naming rules that matter for an early,
// clear error: 3 to 63 characters of lower-case letters, digits, dots and
// hyphens, starting and ending with a letter or digit.
func checkBucket(b string) error {
	if len(b) < 3 || len(b) > 63 {
		return fmt.Errorf("invalid bucket name %q: want 3 to 63 characters", b)
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !alnum && (c != '.' && c != '-' || i == 0 || i == len(b)-1) {
			return fmt.Errorf("invalid bucket name %q: want lower-case letters, digits, dots and hyphens", b)
		}
	}
	return nil
}
