package provider

import (
	"context"
	"errors"

	"github.com/farepipe/farepipe/internal/raw"
)

// Provider answers fare searches. Search returns the provider's response as
// an envelope; a response with a non-2xx status that is final (a 400 for a
// search the provider rejects) is returned as an envelope, not an error.
// Errors are reserved for searches that produced no final answer.
type Provider interface {
	// Name is the source name stored in every series key ("amadeus").
	Name() string
	Search(ctx context.Context, s raw.Search) (raw.Envelope, error)
}

// ErrBudget reports that the provider's request budget for this run is
// spent; no further search will be attempted.
var ErrBudget = errors.New("request budget exhausted")

// ErrAccess reports that the provider refused the credentials, or the
// access they grant: no search succeeds until the configuration changes.
var ErrAccess = errors.New("access refused")

// RetryableError marks a failure worth retrying later (network, timeout,
// 429, 5xx after the provider's own retries).
type RetryableError struct{ Err error }

func (e *RetryableError) Error() string { return e.Err.Error() }
func (e *RetryableError) Unwrap() error { return e.Err }

// Retryable wraps err as a RetryableError.
func Retryable(err error) error {
	if err == nil {
		return nil
	}
	return &RetryableError{Err: err}
}

// IsRetryable reports whether err is, or wraps, a RetryableError.
func IsRetryable(err error) bool {
	var r *RetryableError
	return errors.As(err, &r)
}
