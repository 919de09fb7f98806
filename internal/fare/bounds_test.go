package fare

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestWindowCheck(t *testing.T) {
	now := time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC)
	floor := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	tests := []struct {
		name   string
		bounds TimeBounds
		at     time.Time
		want   []string // parts of the reason; none: accepted
	}{
		{"now", TimeBounds{Now: clock}, now, nil},
		{"just inside the skew", TimeBounds{Now: clock}, now.Add(10 * time.Minute), nil},
		{"just past the skew", TimeBounds{Now: clock}, now.Add(10*time.Minute + time.Millisecond),
			[]string{`"2026-11-21T06:10:00.001Z"`, "after 2026-11-21T06:10:00Z", "clock 2026-11-21T06:00:00Z plus 10m0s"}},
		{"far future", TimeBounds{Now: clock}, time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
			[]string{`"9999-12-31T23:59:59Z"`, "after 2026-11-21T06:10:00Z"}},
		{"at the floor", TimeBounds{Now: clock}, floor, nil},
		{"just before the floor", TimeBounds{Now: clock}, floor.Add(-time.Millisecond),
			[]string{`"1999-12-31T23:59:59.999Z"`, "before 2000-01-01T00:00:00Z"}},
		{"year one", TimeBounds{Now: clock}, time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
			[]string{"before 2000-01-01T00:00:00Z"}},
		{"other zone, inside", TimeBounds{Now: clock}, now.Add(10 * time.Minute).In(time.FixedZone("KST", 9*3600)), nil},
		{"custom skew inside", TimeBounds{Now: clock, MaxSkew: time.Hour}, now.Add(time.Hour), nil},
		{"custom skew outside", TimeBounds{Now: clock, MaxSkew: time.Hour}, now.Add(time.Hour + time.Second),
			[]string{"after 2026-11-21T07:00:00Z", "plus 1h0m0s"}},
		{"custom floor inside", TimeBounds{Now: clock, Min: now.AddDate(0, 0, -1)}, now.AddDate(0, 0, -1), nil},
		{"custom floor outside", TimeBounds{Now: clock, Min: now.AddDate(0, 0, -1)}, now.AddDate(0, 0, -1).Add(-time.Second),
			[]string{"before 2026-11-20T06:00:00Z"}},
	}
	for _, tt := range tests {
		err := tt.bounds.Window().Check("fetched_at", tt.at)
		switch {
		case tt.want == nil && err != nil:
			t.Errorf("%s: Check(%s) = %v, want nil", tt.name, tt.at, err)
		case tt.want != nil && err == nil:
			t.Errorf("%s: Check(%s) = nil, want an error", tt.name, tt.at)
		case err != nil:
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != "fetched_at" {
				t.Errorf("%s: Check(%s) = %#v, want a *FieldError of fetched_at", tt.name, tt.at, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%s: Check(%s) = %q, want it to mention %q", tt.name, tt.at, err, w)
				}
			}
		}
	}
}

// TestWindowReadsTheClockOnce checks that a window keeps the instant it was
// made at, so that one object is judged against one clock reading.
func TestWindowReadsTheClockOnce(t *testing.T) {
	now := time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC)
	calls := 0
	w := TimeBounds{Now: func() time.Time { calls++; return now }}.Window()
	now = now.Add(time.Hour)
	if err := w.Check("observed_at", now); err == nil || calls != 1 {
		t.Errorf("after the clock moved an hour: Check = %v with %d clock reads, want an error and 1 read", err, calls)
	}
}
