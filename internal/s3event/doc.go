// Package s3event reads S3 event notifications: the messages AWS S3 and
// MinIO send when an object is created, in the envelopes they arrive in.
//
// Parse accepts, and unwraps as needed:
//
//   - an S3 event notification, {"Records": [...]}, as AWS S3 sends it to SQS,
//     SNS or Lambda and as MinIO sends it to its notification targets
//     (webhook, NATS, ...); MinIO adds top-level "EventName" and "Key";
//   - an SNS notification whose "Message" string holds one (S3 → SNS → SQS);
//   - the data of an Argo Events event: {"body": ...} from a webhook or
//     aws-sqs EventSource (the body an object or a JSON string), and
//     {"notification": [...]} from a minio EventSource;
//   - the s3:TestEvent S3 sends when a notification is configured, which
//     names no object and yields none.
//
// Keys in S3 notification records are URL-encoded the way
// url.QueryEscape encodes them: "raw/source=x/a b.gz" arrives as
// "raw%2Fsource%3Dx%2Fa+b.gz" from AWS and from MinIO's targets alike.
// Parse decodes them. The records of a minio EventSource come from MinIO's
// ListenBucketNotification API, which does not encode keys; Parse takes
// those verbatim.
package s3event
