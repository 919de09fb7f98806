package objstore

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/farepipe/farepipe/internal/testenv"
)

// minioConfig returns the S3 configuration of the test MinIO and puts its
// credentials where the SDK's default chain finds them.
func minioConfig(t *testing.T) S3Config {
	t.Helper()
	env := testenv.S3(t)
	t.Setenv("AWS_ACCESS_KEY_ID", env.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", env.SecretKey)
	return S3Config{Endpoint: env.Endpoint, Region: env.Region, PathStyle: true, Bucket: env.Bucket}
}

func newMinIO(t *testing.T, cfg S3Config) *S3 {
	t.Helper()
	s, err := NewS3(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestS3BehavesLikeAStore(t *testing.T) {
	s := newMinIO(t, minioConfig(t))
	testStore(t, s, testenv.Unique(t, "objstore")+"/")
}

func TestS3UploadsLargeBodiesInParts(t *testing.T) {
	cfg := minioConfig(t)
	cfg.PartSize = 5 << 20
	s := newMinIO(t, cfg)
	prefix := testenv.Unique(t, "objstore") + "/"
	body := make([]byte, 12<<20+123)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range body {
		body[i] = byte(rng.Uint32())
	}
	sum := sha256.Sum256(body)

	cases := []struct {
		name string
		body io.Reader
	}{
		{"stream", onlyReader{bytes.NewReader(body)}},
		{"seekable", bytes.NewReader(body)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			key := prefix + tc.name
			if err := s.Put(t.Context(), key, tc.body, int64(len(body)), map[string]string{"sha256": "x"}); err != nil {
				t.Fatalf("Put = %v", err)
			}
			rc, info, err := s.Get(t.Context(), key)
			if err != nil {
				t.Fatalf("Get = %v", err)
			}
			defer rc.Close()
			h := sha256.New()
			n, err := io.Copy(h, rc)
			if err != nil {
				t.Fatalf("reading = %v", err)
			}
			if n != int64(len(body)) || !bytes.Equal(h.Sum(nil), sum[:]) {
				t.Errorf("Get returned %d bytes that differ from the %d put", n, len(body))
			}
			// A multipart object's ETag ends in "-<parts>": 12 MiB in 5 MiB parts is 3.
			if !strings.HasSuffix(info.ETag, "-3") || info.Metadata["sha256"] != "x" {
				t.Errorf("Get info = %+v, want a 3-part ETag and sha256 metadata", info)
			}
		})
	}
}

func TestS3ListFollowsPages(t *testing.T) {
	s := newMinIO(t, minioConfig(t))
	s.pageSize = 2
	prefix := testenv.Unique(t, "objstore") + "/"
	want := []string{prefix + "a", prefix + "b", prefix + "c", prefix + "d", prefix + "e"}
	for _, k := range slices.Backward(want) {
		if err := s.Put(t.Context(), k, strings.NewReader(k), int64(len(k)), nil); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for info, err := range s.List(t.Context(), prefix) {
		if err != nil {
			t.Fatalf("List = %v", err)
		}
		got = append(got, info.Key)
	}
	if !slices.Equal(got, want) {
		t.Errorf("List(%q) in pages of 2 = %q, want %q", prefix, got, want)
	}
}

func TestS3MissingBucketIsAnAccessError(t *testing.T) {
	cfg := minioConfig(t)
	u := testenv.Unique(t, "")
	cfg.Bucket = "missing-" + u[len(u)-12:]
	s := newMinIO(t, cfg)
	err := s.Put(t.Context(), "k", strings.NewReader("x"), 1, nil)
	if !errors.Is(err, ErrAccess) || IsRetryable(err) || errors.Is(err, ErrNotExist) {
		t.Errorf("Put into a missing bucket = %v, want a permanent ErrAccess", err)
	}
	_, _, err = s.Get(t.Context(), "k")
	if !errors.Is(err, ErrAccess) || IsRetryable(err) || errors.Is(err, ErrNotExist) {
		t.Errorf("Get from a missing bucket = %v, want a permanent ErrAccess, not ErrNotExist", err)
	}
	for _, err := range s.List(t.Context(), "") {
		if !errors.Is(err, ErrAccess) || IsRetryable(err) {
			t.Errorf("List of a missing bucket = %v, want a permanent ErrAccess", err)
		}
	}
}

func TestS3WrongCredentialsAreAnAccessError(t *testing.T) {
	cfg := minioConfig(t)
	t.Setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
	s := newMinIO(t, cfg)
	key := testenv.Unique(t, "objstore")
	err := s.Put(t.Context(), key, strings.NewReader("x"), 1, nil)
	if !errors.Is(err, ErrAccess) || IsRetryable(err) {
		t.Errorf("Put with a wrong secret = %v, want a permanent ErrAccess", err)
	}
	if err != nil && strings.Contains(err.Error(), "not-the-secret") {
		t.Errorf("Put error %q shows the secret", err)
	}
	// HEAD answers carry no error code, only the status.
	if _, err := s.Stat(t.Context(), key); !errors.Is(err, ErrAccess) {
		t.Errorf("Stat with a wrong secret = %v, want ErrAccess", err)
	}
}

// TestS3RejectedKeyIsPermanent puts keys that pass farepipe's own checks but
// that MinIO refuses with 400 (XMinioInvalidObjectName).
func TestS3RejectedKeyIsPermanent(t *testing.T) {
	s := newMinIO(t, minioConfig(t))
	prefix := testenv.Unique(t, "objstore") + "/"
	for _, key := range []string{prefix + "a//b", prefix + strings.Repeat("s", 300)} {
		err := s.Put(t.Context(), key, strings.NewReader("x"), 1, nil)
		if !errors.Is(err, ErrRejected) || IsRetryable(err) || errors.Is(err, ErrAccess) {
			t.Errorf("Put(%.60q) = %v, want a permanent ErrRejected", key, err)
		}
	}
	long := prefix + strings.Repeat("k", 1025)
	if err := s.Put(t.Context(), long, strings.NewReader("x"), 1, nil); !errors.Is(err, ErrRejected) {
		t.Errorf("Put of a %d-byte key = %v, want ErrRejected", len(long), err)
	}
}

func TestOpenS3URIReadsWhatItWrote(t *testing.T) {
	cfg := minioConfig(t)
	bucket := cfg.Bucket
	cfg.Bucket = ""
	prefix := testenv.Unique(t, "objstore")
	s, key, err := Open(t.Context(), "s3://"+bucket+"/"+prefix+"/x.gz", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if key != prefix+"/x.gz" || s.URI(key) != "s3://"+bucket+"/"+key {
		t.Fatalf("Open = key %q URI %q", key, s.URI(key))
	}
	if err := s.Put(t.Context(), key, strings.NewReader("abc"), 3, nil); err != nil {
		t.Fatal(err)
	}
	info, err := s.Stat(t.Context(), key)
	if err != nil || info.Size != 3 {
		t.Errorf("Stat after Put = %+v, %v; want size 3", info, err)
	}
}
