package s3event

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/farepipe/farepipe/internal/fault"
)

// Object is one object named by a notification record.
type Object struct {
	Bucket    string // bucket name
	Key       string // object key, decoded
	Event     string // event name as sent: "ObjectCreated:Put" (AWS), "s3:ObjectCreated:Put" (MinIO)
	Size      int64  // object size in bytes, 0 when the record has none
	ETag      string // entity tag, when the record has one
	Sequencer string // orders events of one key, when the record has one
}

// Created reports whether the record says the object's content was
// written: put, posted, copied or completed as a multipart upload. MinIO's
// other ObjectCreated events (PutRetention, PutLegalHold, PutTagging) change
// only settings of an object and are not creations here.
func (o Object) Created() bool {
	switch strings.TrimPrefix(o.Event, "s3:") {
	case "ObjectCreated:Put", "ObjectCreated:Post", "ObjectCreated:Copy", "ObjectCreated:CompleteMultipartUpload":
		return true
	}
	return false
}

// URI returns the object as an s3:// URI.
func (o Object) URI() string { return "s3://" + o.Bucket + "/" + o.Key }

// ErrUnrecognized is returned by Parse for JSON that is none of the forms
// it reads.
var ErrUnrecognized = errors.New("not an S3 event notification")

// envelope holds every top-level field Parse looks at; which ones are
// present says what the message is.
type envelope struct {
	Records      []record        `json:"Records"`      // S3 notification
	Notification []record        `json:"notification"` // Argo Events minio EventSource
	Body         json.RawMessage `json:"body"`         // Argo Events webhook or aws-sqs EventSource
	Type         string          `json:"Type"`         // SNS: "Notification"
	Message      *string         `json:"Message"`      // SNS: the S3 notification as a string
	Event        string          `json:"Event"`        // "s3:TestEvent"
}

type record struct {
	EventName string `json:"eventName"`
	S3        *struct {
		Bucket struct {
			Name string `json:"name"`
		} `json:"bucket"`
		Object struct {
			Key       string `json:"key"`
			Size      int64  `json:"size"`
			ETag      string `json:"eTag"`
			Sequencer string `json:"sequencer"`
		} `json:"object"`
	} `json:"s3"`
}

// maxDepth bounds the envelopes Parse unwraps (Argo event → SQS body → SNS
// message → S3 notification is three).
const maxDepth = 4

// Parse returns the objects a notification names, in record order, with
// keys decoded. A test event yields no objects and no error. Records of
// every event type are returned; Created tells creations apart. Every
// error is ErrUnrecognized or a malformed notification (fault.Data): the
// notification can never be read.
func Parse(body []byte) ([]Object, error) {
	objs, err := parse(body, 0)
	if err != nil && !errors.Is(err, ErrUnrecognized) {
		err = fault.New(fault.Data, err)
	}
	return objs, err
}

func parse(body []byte, depth int) ([]Object, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: envelopes nested more than %d deep", ErrUnrecognized, maxDepth)
	}
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '"' { // a JSON string holding the message, as an SQS body may be
		var s string
		if err := json.Unmarshal(body, &s); err != nil {
			return nil, fmt.Errorf("decoding notification string: %w", err)
		}
		return parse([]byte(s), depth+1)
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("decoding notification: %w", err)
	}
	switch {
	case env.Records != nil:
		return objects(env.Records, true)
	case env.Notification != nil:
		return objects(env.Notification, false)
	case env.Event == "s3:TestEvent":
		return nil, nil
	case env.Type == "Notification" && env.Message != nil:
		return parse([]byte(*env.Message), depth+1)
	case len(env.Body) > 0 && !bytes.Equal(env.Body, []byte("null")):
		return parse(env.Body, depth+1)
	default:
		return nil, ErrUnrecognized
	}
}

func objects(recs []record, encoded bool) ([]Object, error) {
	objs := make([]Object, 0, len(recs))
	for i, r := range recs {
		if r.S3 == nil || r.S3.Bucket.Name == "" || r.S3.Object.Key == "" {
			return nil, fmt.Errorf("record %d (%s): missing s3.bucket.name or s3.object.key", i, r.EventName)
		}
		key := r.S3.Object.Key
		if encoded {
			var err error
			if key, err = url.QueryUnescape(key); err != nil {
				return nil, fmt.Errorf("record %d: decoding key %q: %w", i, r.S3.Object.Key, err)
			}
		}
		objs = append(objs, Object{
			Bucket: r.S3.Bucket.Name, Key: key, Event: r.EventName, Size: r.S3.Object.Size,
			ETag: r.S3.Object.ETag, Sequencer: r.S3.Object.Sequencer,
		})
	}
	return objs, nil
}

// Created returns the created objects of objs, each bucket and key once,
// in the order they first appear.
func Created(objs []Object) []Object {
	var out []Object
	seen := make(map[[2]string]bool)
	for _, o := range objs {
		k := [2]string{o.Bucket, o.Key}
		if !o.Created() || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, o)
	}
	return out
}
