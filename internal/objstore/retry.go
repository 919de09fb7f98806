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
// object and the errors of the classes ErrAccess and ErrRejected are not
// retryable.
func IsRetryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, ErrNotExist) ||
		errors.Is(err, ErrAccess) || errors.Is(err, ErrRejected) {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		if _, ok := accessCodes[api.ErrorCode()]; ok {
			return false
		}
		if _, ok := retryableCodes[api.ErrorCode()]; ok {
			return true
		}
	}
	if code := httpStatus(err); code == 408 || code == 429 || code >= 500 && code != 501 {
		return true
	}
	return retry.IsErrorRetryables(retry.DefaultRetryables).IsErrorRetryable(err) == aws.TrueTernary
}

// s3Error classifies an error of the S3 API: S3's answers for a missing key
// (NoSuchKey from GetObject, a bare 404 NotFound from HeadObject) become
// ErrNotExist; refused credentials or bucket (accessCodes, any 401 or 403)
// join the class ErrAccess; any other answer that no retry can fix joins
// ErrRejected. Transient failures and errors without an answer (network,
// timeouts, a cancelled context) are returned as they are.
func s3Error(err error) error {
	code := ""
	var api smithy.APIError
	if errors.As(err, &api) {
		code = api.ErrorCode()
	}
	status := httpStatus(err)
	_, access := accessCodes[code]
	switch {
	case code == "NoSuchKey" || code == "NotFound":
		return ErrNotExist
	case access || status == 401 || status == 403:
		return &classError{class: ErrAccess, err: err}
	case (code == "" && status == 0) || IsRetryable(err):
		return err
	default:
		return &classError{class: ErrRejected, err: err}
	}
}

// httpStatus returns the HTTP status of the answer err carries, 0 if none.
func httpStatus(err error) int {
	var res interface{ HTTPStatusCode() int }
	if errors.As(err, &res) {
		return res.HTTPStatusCode()
	}
	return 0
}

// accessCodes are S3 error codes that say the credentials, the bucket or the
// store itself cannot serve farepipe, whatever HTTP status came with them.
var accessCodes = map[string]struct{}{
	"AccessDenied":          {},
	"AllAccessDisabled":     {},
	"InvalidAccessKeyId":    {},
	"SignatureDoesNotMatch": {},
	"ExpiredToken":          {},
	"InvalidToken":          {},
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
