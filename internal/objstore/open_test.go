package objstore

import (
	"strings"
	"testing"
)

func TestOpenPicksTheStore(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	cases := []struct {
		uri, key, storeURI string
		s3                 bool
	}{
		{"s3://lake/raw/", "raw/", "s3://lake/raw/raw/x", true},
		{"s3://other-bucket", "", "s3://other-bucket/raw/x", true},
		{"file:///data/lake", "data/lake", "file:///data/lake/raw/x", false},
		{"file://out", "out", "file://out/raw/x", false},
	}
	for _, tc := range cases {
		s, key, err := Open(t.Context(), tc.uri, S3Config{Bucket: "ignored", Region: "us-east-1"})
		if err != nil {
			t.Errorf("Open(%q) = %v", tc.uri, err)
			continue
		}
		if _, isS3 := s.(*S3); isS3 != tc.s3 || key != tc.key {
			t.Errorf("Open(%q) = %T, %q; want s3 %v, key %q", tc.uri, s, key, tc.s3, tc.key)
		}
		k := strings.TrimSuffix(key, "/")
		if k != "" {
			k += "/"
		}
		if got := s.URI(k + "raw/x"); got != tc.storeURI {
			t.Errorf("Open(%q) store URI(%q) = %q, want %q", tc.uri, k+"raw/x", got, tc.storeURI)
		}
	}
}

func TestOpenRejectsBadInput(t *testing.T) {
	cases := []struct {
		uri  string
		cfg  S3Config
		want string
	}{
		{"ftp://x/y", S3Config{}, "unsupported scheme"},
		{"s3://lake/k", S3Config{PartSize: 1 << 20}, "below the S3 minimum"},
		{"s3://lake/k", S3Config{Endpoint: "localhost:9000"}, "invalid endpoint"},
		{"s3://lake/k", S3Config{Concurrency: -1}, "must not be negative"},
	}
	for _, tc := range cases {
		_, _, err := Open(t.Context(), tc.uri, tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Open(%q, %+v) = %v, want error containing %q", tc.uri, tc.cfg, err, tc.want)
		}
	}
}
