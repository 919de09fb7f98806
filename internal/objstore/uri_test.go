package objstore

import (
	"strings"
	"testing"
)

func TestParseURI(t *testing.T) {
	cases := []struct {
		in   string
		want URI
		str  string // String() of the result, when it differs from in
	}{
		{"s3://bucket/raw/a.ndjson.gz", URI{"s3", "bucket", "raw/a.ndjson.gz"}, ""},
		{"s3://bucket", URI{"s3", "bucket", ""}, ""},
		{"s3://bucket/", URI{"s3", "bucket", ""}, "s3://bucket"},
		{"s3://bucket/prefix/", URI{"s3", "bucket", "prefix/"}, ""},
		{"s3://my.bucket-1/a//b?c", URI{"s3", "my.bucket-1", "a//b?c"}, ""},
		{"S3://bucket/k", URI{"s3", "bucket", "k"}, "s3://bucket/k"},
		{"file:///data/lake/raw/a.gz", URI{"file", "/", "data/lake/raw/a.gz"}, ""},
		{"file:///data/lake/", URI{"file", "/", "data/lake"}, "file:///data/lake"},
		{"file:///", URI{"file", "/", ""}, ""},
		{"file://out/raw", URI{"file", ".", "out/raw"}, ""},
		{"file://./out//raw/", URI{"file", ".", "out/raw"}, "file://out/raw"},
		{"file://.", URI{"file", ".", ""}, ""},
	}
	for _, tc := range cases {
		got, err := ParseURI(tc.in)
		if err != nil {
			t.Errorf("ParseURI(%q) = %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("ParseURI(%q) = %#v, want %#v", tc.in, got, tc.want)
		}
		want := tc.str
		if want == "" {
			want = tc.in
		}
		if s := got.String(); s != want {
			t.Errorf("ParseURI(%q).String() = %q, want %q", tc.in, s, want)
		}
	}
}

func TestParseURIErrors(t *testing.T) {
	cases := []struct {
		in, want string
	}{
		{"/data/lake", "missing scheme"},
		{"bucket/key", "missing scheme"},
		{"gs://bucket/key", `unsupported scheme "gs"`},
		{"https://host/key", `unsupported scheme "https"`},
		{"s3://", "missing bucket"},
		{"s3:///key", "missing bucket"},
		{"s3://ab/key", "invalid bucket name"},
		{"s3://My_Bucket/key", "invalid bucket name"},
		{"s3://-bucket/key", "invalid bucket name"},
		{"file://", "missing path"},
		{"file://../up", "leaves the working directory"},
		{"file://a/../../up", "leaves the working directory"},
	}
	for _, tc := range cases {
		_, err := ParseURI(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseURI(%q) = %v, want error containing %q", tc.in, err, tc.want)
		}
	}
}
