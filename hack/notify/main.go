// Command notify sets the bucket notifications of the local stack on
// MinIO: every object created under raw/ with a name ending .ndjson.gz,
// and under incoming/ with a name ending .json, .ndjson or .csv (each
// also .gz), goes to MinIO's webhook target FAREPIPE, which posts it to
// the farepipe-webhook EventSource (events/overlays/local). It replaces
// the bucket's notification configuration, as an operator would with
// mc event add. hack/cluster.sh up --with-farepipe runs it.
//
//	go run ./hack/notify -endpoint http://127.0.0.1:19000 -bucket farepipe
//
// Credentials and region come from the environment (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_REGION), as hack/services.sh exports them.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// targetARN is the ARN MinIO gives the webhook target FAREPIPE
// (MINIO_NOTIFY_WEBHOOK_ENABLE_FAREPIPE at MinIO's start).
const targetARN = "arn:minio:sqs::FAREPIPE:webhook"

// rules are the prefixes and suffixes of the objects that start an ingest.
var rules = []struct{ prefix, suffix string }{
	{"raw/", ".ndjson.gz"},
	{"incoming/", ".json"}, {"incoming/", ".json.gz"},
	{"incoming/", ".ndjson"}, {"incoming/", ".ndjson.gz"},
	{"incoming/", ".csv"}, {"incoming/", ".csv.gz"},
}

func main() {
	endpoint := flag.String("endpoint", "", "MinIO's S3 endpoint, http://host:port")
	bucket := flag.String("bucket", "farepipe", "the bucket")
	flag.Parse()
	if *endpoint == "" {
		fmt.Fprintln(os.Stderr, "notify: -endpoint is required")
		os.Exit(2)
	}
	if err := run(context.Background(), *endpoint, *bucket); err != nil {
		fmt.Fprintln(os.Stderr, "notify:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, endpoint, bucket string) error {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return fmt.Errorf("loading AWS configuration: %w", err)
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.UsePathStyle = true
	})
	var queues []types.QueueConfiguration
	for _, r := range rules {
		queues = append(queues, types.QueueConfiguration{
			QueueArn: aws.String(targetARN),
			Events:   []types.Event{"s3:ObjectCreated:*"},
			Filter: &types.NotificationConfigurationFilter{Key: &types.S3KeyFilter{FilterRules: []types.FilterRule{
				{Name: types.FilterRuleNamePrefix, Value: aws.String(r.prefix)},
				{Name: types.FilterRuleNameSuffix, Value: aws.String(r.suffix)},
			}}},
		})
	}
	_, err = client.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{
		Bucket:                    aws.String(bucket),
		NotificationConfiguration: &types.NotificationConfiguration{QueueConfigurations: queues},
	})
	if err != nil {
		if strings.Contains(err.Error(), "ARN") {
			return fmt.Errorf("setting the notifications of bucket %s: %w (MinIO at %s has no webhook target FAREPIPE: "+
				"it reads its targets at start; see hack/README.md)", bucket, err, endpoint)
		}
		return fmt.Errorf("setting the notifications of bucket %s: %w", bucket, err)
	}
	return nil
}
