package transform

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/farepipe/farepipe/internal/intake"
)

// TestExamples reads the sample objects of examples/data as the Sensor
// would hand them over from incoming/, with the mappings of
// examples/mappings as transform takes them from the ConfigMap
// farepipe-mappings (one directory): every record becomes an
// observation, none is rejected.
func TestExamples(t *testing.T) {
	maps, err := intake.LoadMappings(filepath.Join("..", "..", "examples", "mappings"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		file, key    string
		format       string
		mapping      string
		observations int
		instantFrom  string            // where the object's instant came from; empty: the rows carry theirs
		cheapest     map[string]string // origin-destination-departure -> amount of the cheapest observation
	}{
		{"faresnap.csv", "incoming/faresnap/fares.csv", "fare-rows", "faresnap", 5, "",
			map[string]string{"ICN-NRT-2027-01-10": "219900", "ICN-NRT-2027-01-11": "198000", "ICN-KIX-2027-01-12": "1215000"}},
		{"flightbot.ndjson", "incoming/flightbot/2026-11-21T06:00:00Z/fares.ndjson", "fare-rows", "flightbot", 5, intake.FromKey,
			map[string]string{"ICN-KIX-2027-01-12": "98000", "ICN-FUK-2027-01-13": "76500"}},
		{"amadeus-answer.json", "incoming/acme/2026-11-21T06:00:00Z/answer.json", "amadeus-answers", "", 2, intake.FromKey,
			map[string]string{"ICN-NRT-2027-01-10": "219900", "GMP-HND-2027-01-10": "254300"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("..", "..", "examples", "data", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			res := runAny(t, in, Intake{Key: tt.key, Mappings: maps})
			if res.Format != tt.format || res.Mapping != tt.mapping || res.Summary.Rejected() != 0 || len(res.Observations) != tt.observations {
				t.Fatalf("%s: format %s, mapping %q, %d rejected, %d observations; want %s, %q, 0, %d\nquarantine: %v",
					tt.file, res.Format, res.Mapping, res.Summary.Rejected(), len(res.Observations), tt.format, tt.mapping, tt.observations, res.Quarantine)
			}
			if res.InstantFrom != tt.instantFrom {
				t.Errorf("instant from %q, want %q", res.InstantFrom, tt.instantFrom)
			}
			cheapest := map[string]string{}
			for _, o := range res.Observations {
				k := o["origin"].(string) + "-" + o["destination"].(string) + "-" + o["departure_date"].(string)
				if a, ok := cheapest[k]; !ok || len(o["amount"].(string)) < len(a) || len(o["amount"].(string)) == len(a) && o["amount"].(string) < a {
					cheapest[k] = o["amount"].(string)
				}
				if o["observed_at"] != "2026-11-21T06:00:00.000Z" {
					t.Errorf("observed_at %v, want 2026-11-21T06:00:00.000Z (the scraped_at column, or the key)", o["observed_at"])
				}
			}
			for k, want := range tt.cheapest {
				if cheapest[k] != want {
					t.Errorf("cheapest %s = %q, want %q", k, cheapest[k], want)
				}
			}
		})
	}
}
