package esindex

import (
	"slices"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/fare"
)

func obsOf(t *testing.T, carrier string, m int, won int64) fare.Observation {
	t.Helper()
	k := testKey
	k.Carrier = carrier
	price, err := fare.MoneyFromMinor(won, "KRW")
	if err != nil {
		t.Fatal(err)
	}
	return fare.NewObservation(k, time.Date(2026, 11, 1, 0, m, 0, 0, time.UTC), price, 1)
}

func TestGroupSeries(t *testing.T) {
	a1, b1, a2, c1 := obsOf(t, "KE", 1, 1), obsOf(t, "OZ", 1, 1), obsOf(t, "KE", 2, 1), obsOf(t, "7C", 1, 1)
	tests := []struct {
		name  string
		chunk []fare.Observation
		want  [][]fare.Observation
	}{
		{"each series once", []fare.Observation{a1, b1, c1}, [][]fare.Observation{{a1}, {b1}, {c1}}},
		{"series together", []fare.Observation{a1, a2, b1}, [][]fare.Observation{{a1, a2}, {b1}}},
		{"series interleaved", []fare.Observation{a1, b1, a2, c1}, [][]fare.Observation{{a1, a2}, {b1}, {c1}}},
	}
	rn := &run{}
	for _, tt := range tests { // one run: buffers are reused
		t.Run(tt.name, func(t *testing.T) {
			rn.groupSeries(slices.Clone(tt.chunk))
			if len(rn.series) != len(tt.want) {
				t.Fatalf("%d series, want %d", len(rn.series), len(tt.want))
			}
			for i, s := range rn.series {
				if s.id != tt.want[i][0].SeriesID || !slices.Equal(s.obs, tt.want[i]) {
					t.Errorf("series %d = %s with %d observations, want %s with %d", i, s.id, len(s.obs),
						tt.want[i][0].SeriesID, len(tt.want[i]))
				}
			}
		})
	}
}
