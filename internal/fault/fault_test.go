package fault

import (
	"errors"
	"fmt"
	"testing"
)

func TestClassOf(t *testing.T) {
	base := errors.New("boom")
	tests := []struct {
		name string
		err  error
		want Class
	}{
		{"nil", nil, Unclassified},
		{"plain", base, Unclassified},
		{"config", Configf("--x %d: want at least 1", 0), Config},
		{"data wrapped", fmt.Errorf("reading: %w", Dataf("bad line %d", 3)), Data},
		{"retryable", New(Retryable, base), Retryable},
		{"outermost wins", New(Data, New(Retryable, base)), Data},
	}
	for _, tc := range tests {
		if got := ClassOf(tc.err); got != tc.want {
			t.Errorf("ClassOf(%s) = %d, want %d", tc.name, got, tc.want)
		}
	}
	if New(Config, nil) != nil {
		t.Errorf("New(Config, nil) != nil")
	}
	if err := New(Data, base); !errors.Is(err, base) || err.Error() != "boom" {
		t.Errorf("New(Data, base) = %v, want it to wrap base", err)
	}
}
