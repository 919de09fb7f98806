package step

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/farepipe/farepipe/internal/fault"
	"github.com/farepipe/farepipe/internal/land"
	"github.com/farepipe/farepipe/internal/objstore"
	"github.com/farepipe/farepipe/internal/s3event"
)

// The exit codes of every step. The WorkflowTemplates retry only
// ExitRetryable.
const (
	ExitOK        = 0 // done
	ExitRetryable = 1 // network, 5xx, 429, timeouts: running again may succeed
	ExitUsage     = 2 // bad flags or configuration: fix the invocation
	ExitData      = 3 // the input cannot be processed: running again will not help
)

// Usage marks err as a usage or configuration error (exit 2).
func Usage(err error) error { return fault.New(fault.Config, err) }

// Usagef formats a usage error.
func Usagef(format string, a ...any) error { return Usage(fmt.Errorf(format, a...)) }

// classCodes are the exit codes of the classes of fault.
var classCodes = map[fault.Class]int{
	fault.Retryable: ExitRetryable,
	fault.Config:    ExitUsage,
	fault.Data:      ExitData,
}

// configErrors are the errors only a change of configuration fixes: refused
// credentials, a bucket that does not exist, a file the step may not open.
var configErrors = []error{objstore.ErrAccess, fs.ErrPermission}

// dataErrors are the errors that say the input can never be processed: a
// missing or unacceptable object, a key the store refuses, a batch or event
// that is not what it should be.
var dataErrors = []error{
	objstore.ErrNotExist, objstore.ErrRejected,
	land.ErrInvalid, land.ErrEmpty, land.ErrConflict,
	s3event.ErrUnrecognized,
}

// ExitCode decides the exit code of err from its class, the first that
// applies of:
//
//   - nil: ExitOK;
//   - errors joined (errors.Join) with no class of their own, the
//     outcome of a run that tried several things: ExitRetryable when any
//     of them is retryable (running again may fix it), else ExitUsage
//     when any is a usage error, else ExitData;
//   - a class of fault (fault.Config, fault.Data, fault.Retryable; Usage
//     marks fault.Config): its code;
//   - one of configErrors (objstore.ErrAccess: access denied, bad
//     credentials, no such bucket): ExitUsage;
//   - one of dataErrors (objstore.ErrNotExist, objstore.ErrRejected, an
//     invalid batch): ExitData;
//   - an error with a Retryable() bool method (esindex.StatusError):
//     ExitRetryable if it says so, else ExitData;
//   - urfave/cli's own errors for bad flags: ExitUsage;
//   - anything else (network errors, timeouts, the unexpected): ExitRetryable.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	if parts := joined(err); parts != nil {
		return worst(parts)
	}
	if code, ok := classCodes[fault.ClassOf(err)]; ok {
		return code
	}
	for _, target := range configErrors {
		if errors.Is(err, target) {
			return ExitUsage
		}
	}
	for _, target := range dataErrors {
		if errors.Is(err, target) {
			return ExitData
		}
	}
	var r interface{ Retryable() bool }
	switch {
	case errors.As(err, &r) && !r.Retryable():
		return ExitData
	case isUsage(err):
		return ExitUsage
	}
	return ExitRetryable
}

// joined returns the errors err joins when its chain reaches an
// errors.Join before any class of fault, else nil.
func joined(err error) []error {
	for ; err != nil; err = errors.Unwrap(err) {
		if _, ok := err.(*fault.Error); ok {
			return nil
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			return j.Unwrap()
		}
	}
	return nil
}

// worst returns the exit code of several errors: retryable first, then
// usage, then data.
func worst(errs []error) int {
	code := ExitOK
	for _, err := range errs {
		switch c := ExitCode(err); {
		case c == ExitRetryable:
			return ExitRetryable
		case code == ExitOK || c == ExitUsage:
			code = c
		}
	}
	return code
}

// isUsage reports errors urfave/cli raises for bad flags before any action
// runs, which do not pass through OnUsageError and have no type to match.
func isUsage(err error) bool {
	msg := err.Error()
	return strings.HasPrefix(msg, "flag provided but not defined") ||
		strings.HasPrefix(msg, "Required flag") ||
		strings.HasPrefix(msg, "invalid value")
}
