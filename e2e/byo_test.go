//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/klauspost/compress/gzip"
)

// incomingSuffixes are the names of other producers' objects that start
// an ingest (events/overlays/local/farepipe-webhook.yaml).
var incomingSuffixes = []string{".json", ".json.gz", ".ndjson", ".ndjson.gz", ".csv", ".csv.gz"}

// notifyOnIncoming makes MinIO announce, besides raw batches, every object
// created under incoming/ with a name of incomingSuffixes, one rule a
// suffix, as README tells an operator to. It replaces what notifyOnRaw
// set, so it runs after newSuite.
func (s *suite) notifyOnIncoming() {
	s.t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion(s.s3.Region))
	if err != nil {
		s.t.Fatal(err)
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(s.s3.Endpoint)
		o.UsePathStyle = true
	})
	rule := func(prefix, suffix string) types.QueueConfiguration {
		return types.QueueConfiguration{
			QueueArn: aws.String("arn:minio:sqs::FAREPIPE:webhook"),
			Events:   []types.Event{"s3:ObjectCreated:*"},
			Filter: &types.NotificationConfigurationFilter{Key: &types.S3KeyFilter{FilterRules: []types.FilterRule{
				{Name: types.FilterRuleNamePrefix, Value: aws.String(prefix)},
				{Name: types.FilterRuleNameSuffix, Value: aws.String(suffix)},
			}}},
		}
	}
	queues := []types.QueueConfiguration{rule("raw/", ".ndjson.gz")}
	for _, suffix := range incomingSuffixes {
		queues = append(queues, rule("incoming/", suffix))
	}
	_, err = client.PutBucketNotificationConfiguration(context.Background(), &s3.PutBucketNotificationConfigurationInput{
		Bucket:                    aws.String(s.s3.Bucket),
		NotificationConfiguration: &types.NotificationConfiguration{QueueConfigurations: queues},
	})
	if err != nil {
		s.t.Fatalf("configuring bucket notifications for incoming/: %v", err)
	}
}

// TestPlainAnswerUploadIsIngested: When another crawler uploads a plain
// Amadeus answer (pretty-printed .json) under incoming/, Then one ingest
// runs and its offers are searchable as the series they fly.
func TestPlainAnswerUploadIsIngested(t *testing.T) {
	s := newSuite(t)
	s.notifyOnIncoming()
	answer, err := os.ReadFile("../examples/data/amadeus-answer.json")
	if err != nil {
		t.Fatal(err)
	}
	// Routes of their own, so that other tests' documents do not count.
	answer = bytes.ReplaceAll(bytes.ReplaceAll(answer, []byte(`"NRT"`), []byte(`"OKA"`)), []byte(`"HND"`), []byte(`"FUK"`))
	key := "incoming/e2e/2026-11-21T06:00:00Z/answer-oka.json"
	s.upload(key, answer)
	ws := s.waitIngests(key, 1)
	if len(ws) != 1 {
		t.Errorf("%d ingests of one upload, want 1", len(ws))
	}
	s.indexedAll(ws[0])
	if len(s.latest("ICN", "OKA")) == 0 || len(s.latest("GMP", "FUK")) == 0 {
		t.Error("the answer's ICN-OKA and GMP-FUK series are not searchable")
	}
}

// TestFareRowsUploadIsIngestedWithMapping: Given the example mappings in
// the ConfigMap farepipe-mappings, When a crawler uploads its fare rows as
// .csv.gz under incoming/faresnap/, Then one ingest runs and every row is
// searchable.
func TestFareRowsUploadIsIngestedWithMapping(t *testing.T) {
	s := newSuite(t)
	s.notifyOnIncoming()
	manifest := s.run("kubectl", "-n", namespace, "create", "configmap", "farepipe-mappings",
		"--from-file=../examples/mappings/", "--dry-run=client", "-o", "yaml")
	file := filepath.Join(t.TempDir(), "farepipe-mappings.yaml")
	if err := os.WriteFile(file, []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	if apply := s.run("kubectl", "-n", namespace, "apply", "-f", file); !strings.Contains(apply, "farepipe-mappings") {
		t.Fatalf("applying the mappings: %s", apply)
	}
	rows := "from,to,depart,return,price,currency,airline,cabin,stops,adults,scraped_at\n" +
		"PUS,OKA,2027-01-10,2027-01-14,231600,KRW,BX,Economy,0,1,2026-11-21 06:00\n" +
		"PUS,OKA,2027-01-11,,118000,KRW,BX,Economy,0,1,2026-11-21 06:00\n"
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write([]byte(rows)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	key := "incoming/faresnap/e2e-pus-oka.csv.gz"
	s.upload(key, buf.Bytes())
	ws := s.waitIngests(key, 1)
	s.indexedAll(ws[0])
	if n := len(s.latest("PUS", "OKA")); n != 2 {
		t.Errorf("%d PUS-OKA series searchable, want the 2 of the rows", n)
	}
}
