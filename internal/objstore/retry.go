package objstore

import (
	"context"
	"errors"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
)

// IsRetryable reports whether err is a transient store failure, worth
// another attempt later: a network error, a timeout, an HTTP 408, 429 or 5xx
// answer (but 501), or a throttling error code. A cancelled context, a missing
// object, access denied, a missing bucket, a bad key or bad metadata are not
// retryable.
func IsRetryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, ErrNotExist) {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		if _, ok := permanentCodes[api.ErrorCode()]; ok {
			return false
		}
		if _, ok := retryableCodes[api.ErrorCode()]; ok {
			return true
		}
	}
	var status interface{ HTTPStatusCode() int }
	if errors.As(err, &status) {
		code := status.HTTPStatusCode()
		if code == 408 || code == 429 || code >= 500 && code != 501 {
			return true
		}
	}
	return retry.IsErrorRetryables(retry.DefaultRetryables).IsErrorRetryable(err) == aws.TrueTernary
}

// permanentCodes are S3 error codes that no retry can fix, whatever HTTP
// status came with them.
var permanentCodes = map[string]struct{}{
	"AccessDenied":          {},
	"AllAccessDisabled":     {},
	"InvalidAccessKeyId":    {},
	"SignatureDoesNotMatch": {},
	"NoSuchBucket":          {},
	"InvalidBucketName":     {},
	"NotImplemented":        {},
}

// retryableCodes are S3 error codes that mean "not now" beyond the SDK's
// own throttling list.
var retryableCodes = map[string]struct{}{
	"InternalError":      {},
	"ServiceUnavailable": {},
	"SlowDown":           {},
	"RequestTimeout":     {},
	"OperationAborted":   {},
}
