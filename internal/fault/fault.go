package fault

import (
	"errors"
	"fmt"
)

// Class is what fixes an error.
type Class int

// The classes of error.
const (
	Unclassified Class = iota // nothing said; the caller decides
	Retryable                 // running again may succeed: network, 5xx, 429, timeouts
	Config                    // only a change of flags or configuration fixes it
	Data                      // the input can never be processed: running again will not help
)

// Error is an error of a known class.
type Error struct {
	Class Class
	Err   error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// New returns err as an error of class c; nil stays nil.
func New(c Class, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Class: c, Err: err}
}

// Configf formats a configuration error.
func Configf(format string, a ...any) error { return New(Config, fmt.Errorf(format, a...)) }

// Dataf formats a permanent data error.
func Dataf(format string, a ...any) error { return New(Data, fmt.Errorf(format, a...)) }

// Retryablef formats an error worth running again for.
func Retryablef(format string, a ...any) error { return New(Retryable, fmt.Errorf(format, a...)) }

// ClassOf returns the class of the outermost Error in err's chain, or
// Unclassified.
func ClassOf(err error) Class {
	var e *Error
	if errors.As(err, &e) {
		return e.Class
	}
	return Unclassified
}
