package s3event

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/farepipe/farepipe/internal/fault"
)

func TestParse(t *testing.T) {
	cases := []struct {
		file string
		want []Object
	}{
		{"minio_webhook.json", []Object{{
			Bucket: "farepipe", Key: "raw/source=synthetic/date=2026-11-21/1ddaf41f38ab3599.ndjson.gz",
			Event: "s3:ObjectCreated:Put", Size: 107566, ETag: "3b1f4c9e0d7a2b8c6e5f4a3b2c1d0e9f", Sequencer: "187A1D2C63C2A5B1",
		}}},
		{"argo_webhook.json", []Object{{
			Bucket: "farepipe", Key: "tenant a/raw/source=amadeus/date=2026-11-21/88b56090a5b030f7.ndjson.gz",
			Event: "s3:ObjectCreated:CompleteMultipartUpload", Size: 48234112,
			ETag: "9a0364b9e99bb480dd25e1f0284c8555-3", Sequencer: "187A1D3A1A2B3C4D",
		}}},
		{"aws_sqs_body.json", []Object{{
			Bucket: "my-fares", Key: "raw/source=amadeus/date=2026-11-21/run 42+1.ndjson.gz",
			Event: "ObjectCreated:Put", Size: 20480, ETag: "d41d8cd98f00b204e9800998ecf8427e", Sequencer: "0055AED6DCD90281E5",
		}}},
		{"aws_sqs_sns.json", []Object{{
			Bucket: "my-fares", Key: "raw/source=amadeus/date=2026-11-21/0a1b2c3d4e5f6a7b.ndjson.gz",
			Event: "ObjectCreated:CompleteMultipartUpload", Size: 73400320,
			ETag: "b54357faf0632cce46e942fa68356b38-9", Sequencer: "0055AED6DCD90281F0",
		}}},
		{"argo_sqs_sns_string.json", []Object{{
			Bucket: "my-fares", Key: "raw/source=amadeus/date=2026-11-21/0a1b2c3d4e5f6a7b.ndjson.gz",
			Event: "ObjectCreated:CompleteMultipartUpload", Size: 73400320,
			ETag: "b54357faf0632cce46e942fa68356b38-9", Sequencer: "0055AED6DCD90281F0",
		}}},
		{"argo_minio_source.json", []Object{{
			Bucket: "farepipe", Key: "raw/source=synthetic/date=2026-11-21/100%+real.ndjson.gz",
			Event: "s3:ObjectCreated:Put", Size: 107566, ETag: "3b1f4c9e0d7a2b8c6e5f4a3b2c1d0e9f", Sequencer: "187A1D2C63C2A5B1",
		}}},
		{"s3_test_event.json", nil},
		{"argo_sqs_test_event.json", nil},
		{"multi_record.json", []Object{
			{Bucket: "my-fares", Key: "raw/source=synthetic/date=2026-11-21/aaaaaaaaaaaaaaaa.ndjson.gz",
				Event: "ObjectCreated:Put", Size: 1024, ETag: "0f343b0931126a20f133d67c2b018a3b", Sequencer: "0055AED6DCD90281E5"},
			{Bucket: "my-fares", Key: "raw/source=synthetic/date=2026-11-20/cccccccccccccccc.ndjson.gz",
				Event: "ObjectRemoved:Delete", Sequencer: "0055AED6DCD90281E6"},
			{Bucket: "other-fares", Key: "raw/source=synthetic/date=2026-11-21/bbbbbbbbbbbbbbbb.ndjson.gz",
				Event: "ObjectCreated:Copy", Size: 2048, ETag: "9b2cf535f27731c974343645a3985328", Sequencer: "0055AED6DCD90281E7"},
			{Bucket: "my-fares", Key: "raw/source=synthetic/date=2026-11-21/aaaaaaaaaaaaaaaa.ndjson.gz",
				Event: "ObjectCreated:Put", Size: 1024, ETag: "0f343b0931126a20f133d67c2b018a3b", Sequencer: "0055AED6DCD90281E8"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := Parse(body)
			if err != nil {
				t.Fatalf("Parse(%s) = %v", tc.file, err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Parse(%s) =\n%+v\nwant\n%+v", tc.file, got, tc.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, body   string
		unrecognized bool
	}{
		{"not json", `Records=1`, false},
		{"empty", ``, false},
		{"other json", `{"kind":"Workflow"}`, true},
		{"null body", `{"header":{},"body":null}`, true},
		{"sns without message", `{"Type":"Notification"}`, true},
		{"record without s3", `{"Records":[{"eventName":"ObjectCreated:Put"}]}`, false},
		{"record without key", `{"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"size":1}}}]}`, false},
		{"bad escape", `{"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"raw%2"}}}]}`, false},
		{"nested too deep", `{"body":{"body":{"body":{"body":{"body":{"Records":[]}}}}}}`, true},
	}
	for _, tc := range cases {
		got, err := Parse([]byte(tc.body))
		if err == nil {
			t.Errorf("Parse(%q) = %+v, want an error", tc.body, got)
			continue
		}
		if errors.Is(err, ErrUnrecognized) != tc.unrecognized {
			t.Errorf("Parse(%q) = %v, want errors.Is(ErrUnrecognized) %v", tc.body, err, tc.unrecognized)
		}
		if !tc.unrecognized && fault.ClassOf(err) != fault.Data {
			t.Errorf("Parse(%q) = %v, want a data error (fault.Data)", tc.body, err)
		}
	}
}

func TestCreated(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "multi_record.json"))
	if err != nil {
		t.Fatal(err)
	}
	objs, err := Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range Created(objs) {
		got = append(got, o.URI())
	}
	want := []string{
		"s3://my-fares/raw/source=synthetic/date=2026-11-21/aaaaaaaaaaaaaaaa.ndjson.gz",
		"s3://other-fares/raw/source=synthetic/date=2026-11-21/bbbbbbbbbbbbbbbb.ndjson.gz",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Created(multi_record.json) = %q, want %q", got, want)
	}
}

func TestObjectCreated(t *testing.T) {
	cases := []struct {
		event string
		want  bool
	}{
		{"ObjectCreated:Put", true},
		{"s3:ObjectCreated:CompleteMultipartUpload", true},
		{"s3:ObjectCreated:Post", true},
		{"ObjectCreated:Copy", true},
		{"s3:ObjectCreated:PutRetention", false},
		{"s3:ObjectCreated:PutTagging", false},
		{"ObjectRemoved:Delete", false},
		{"s3:ObjectAccessed:Get", false},
		{"s3:TestEvent", false},
		{"", false},
	}
	for _, tc := range cases {
		if got := (Object{Event: tc.event}).Created(); got != tc.want {
			t.Errorf("Object{Event: %q}.Created() = %v, want %v", tc.event, got, tc.want)
		}
	}
}
