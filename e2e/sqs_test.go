//go:build e2e

package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestSQSMessageTriggersIngest: Given a raw object that MinIO announces to
// no one, When a notification shaped as AWS S3 sends it arrives on the SQS
// queue (ElasticMQ here), Then the sqs EventSource and the Sensor's SQS
// dependency run farepipe-ingest for that object and its fares are
// searchable: the path an AWS deployment takes.
func TestSQSMessageTriggersIngest(t *testing.T) {
	s := newSuite(t)
	// Outside raw/: no MinIO notification, only the SQS message.
	key := "sqs/raw/source=e2e/date=2026-11-21/sqs icn+kix.ndjson.gz"
	s.upload(key, rawBatch(t, "ICN", "KIX", 3))

	sendSQS(t, mustEnv(t, "FAREPIPE_SQS_QUEUE_URL"), s3Notification(s.s3.Bucket, key))

	ws := s.waitIngests(awsKeyEncode(key), 1)
	if len(ws) != 1 {
		t.Errorf("%d ingests of the one SQS message, want 1", len(ws))
	}
	s.indexedAll(ws[0])
	if n := len(s.latest("ICN", "KIX")); n == 0 {
		t.Error("no ICN-KIX fare is searchable after the SQS message")
	}
}

// s3Notification is the body AWS S3 sends to SQS when key is created in
// bucket: one record, the key URL-encoded as S3 encodes it.
func s3Notification(bucket, key string) string {
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	n := map[string]any{"Records": []any{map[string]any{
		"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1", "eventTime": now,
		"eventName": "ObjectCreated:Put",
		"s3": map[string]any{
			"s3SchemaVersion": "1.0", "configurationId": "farepipe-raw-created",
			"bucket": map[string]any{"name": bucket, "arn": "arn:aws:s3:::" + bucket},
			"object": map[string]any{"key": awsKeyEncode(key), "size": 1, "sequencer": "0055AED6DCD90281E5"},
		},
	}}}
	b, _ := json.Marshal(n)
	return string(b)
}

// awsKeyEncode encodes a key as S3 notifications carry it: form encoding
// (a space is "+"), slashes kept.
func awsKeyEncode(key string) string {
	return strings.ReplaceAll(url.QueryEscape(key), "%2F", "/")
}

// sendSQS sends body to the queue with the SQS query API.
func sendSQS(t *testing.T, queueURL, body string) {
	t.Helper()
	res, err := http.PostForm(queueURL, url.Values{"Action": {"SendMessage"}, "MessageBody": {body}})
	if err != nil {
		t.Fatalf("sending to %s: %v", queueURL, err)
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || !strings.Contains(string(answer), "MessageId") {
		t.Fatalf("sending to %s: HTTP %d: %s", queueURL, res.StatusCode, answer)
	}
}
