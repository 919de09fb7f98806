package step

import (
	"errors"
	"fmt"
)

// The exit codes of every step. The WorkflowTemplates retry only
// ExitRetryable.
const (
	ExitOK        = 0 // done
	ExitRetryable = 1 // network, 5xx, 429, timeouts: running again may succeed
	ExitUsage     = 2 // bad flags or configuration: fix the invocation
	ExitData      = 3 // the input cannot be processed: running again will not help
)

// codeError carries an exit code.
type codeError struct {
	code int
	err  error
}

func (e *codeError) Error() string { return e.err.Error() }
func (e *codeError) Unwrap() error { return e.err }

// Usage marks err as a usage or configuration error (exit 2).
func Usage(err error) error { return withCode(ExitUsage, err) }

// Usagef formats a usage error.
func Usagef(format string, a ...any) error { return Usage(fmt.Errorf(format, a...)) }

// Data marks err as a permanent data error (exit 3).
func Data(err error) error { return withCode(ExitData, err) }

// Retryable marks err as worth retrying (exit 1).
func Retryable(err error) error { return withCode(ExitRetryable, err) }

func withCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &codeError{code: code, err: err}
}

// ExitCode maps an error to its exit code: nil is ExitOK, a marked error its
// mark, anything else ExitRetryable (an unexpected failure is assumed
// transient; data and usage errors are always marked where they are found).
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ce *codeError
	if errors.As(err, &ce) {
		return ce.code
	}
	return ExitRetryable
}
