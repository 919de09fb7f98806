package fare

import (
	"fmt"
	"time"
)

// DefaultMaxClockSkew is how far after the clock TimeBounds accepts an
// instant by default.
const DefaultMaxClockSkew = 10 * time.Minute

// DefaultMinObservedAt is the earliest instant TimeBounds accepts by
// default.
var DefaultMinObservedAt = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// TimeBounds is the range of instants an observation may carry: from Min to
// MaxSkew after the clock Now. An instant far in the future would stay the
// last observation of its series, its price shown as current, whatever is
// observed after it.
type TimeBounds struct {
	Min     time.Time        // zero: DefaultMinObservedAt
	MaxSkew time.Duration    // zero: DefaultMaxClockSkew
	Now     func() time.Time // nil: time.Now
}

// Window reads the clock once and returns the instants accepted from now on.
func (b TimeBounds) Window() Window {
	w := Window{Min: b.Min, Skew: b.MaxSkew}
	if w.Min.IsZero() {
		w.Min = DefaultMinObservedAt
	}
	if w.Skew == 0 {
		w.Skew = DefaultMaxClockSkew
	}
	now := time.Now
	if b.Now != nil {
		now = b.Now
	}
	w.Now = now().UTC()
	w.Max = w.Now.Add(w.Skew)
	return w
}

// Window is the closed range of instants from Min to Max accepted at one
// reading Now of the clock; Max is Now plus Skew.
type Window struct {
	Min, Max, Now time.Time
	Skew          time.Duration
}

// Check returns a *FieldError naming field, the instant and the bound it
// passes when t lies outside the window, else nil.
func (w Window) Check(field string, t time.Time) error {
	switch {
	case t.Before(w.Min):
		return &FieldError{Field: field, Value: formatInstant(t),
			Reason: "before " + formatInstant(w.Min) + ", the earliest instant accepted"}
	case t.After(w.Max):
		return &FieldError{Field: field, Value: formatInstant(t),
			Reason: fmt.Sprintf("after %s, the latest instant accepted (the clock %s plus %s of allowed skew)",
				formatInstant(w.Max), formatInstant(w.Now), w.Skew)}
	}
	return nil
}

func formatInstant(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
