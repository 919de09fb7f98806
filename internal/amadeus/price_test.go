package amadeus

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// TestObservationsNumericPrice puts JSON numbers where the API gives
// decimal strings, in offer "2" of the example (series PR, beside offer
// "1" at 355.34; offer "3" is series TG). An amount that is read must be
// a string: a number rejects that offer only, never the answer, and is
// never read through a float.
func TestConvertNumericPrice(t *testing.T) {
	example := string(exampleLine(t))
	const (
		total      = `"total":"341.87"`
		grandTotal = `,"grandTotal":"341.87"`
	)
	edit := func(pairs ...string) string {
		line := example
		for i := 0; i < len(pairs); i += 2 {
			if !strings.Contains(line, pairs[i]) {
				t.Fatalf("example has no %q", pairs[i])
			}
			line = strings.Replace(line, pairs[i], pairs[i+1], 1)
		}
		return line
	}
	tests := []struct {
		name    string
		line    string
		wantObs []string
		wantBad []string
	}{
		{
			name:    "string prices all kept",
			line:    example,
			wantObs: []string{"TG 498.20 EUR x1", "PR 341.87 EUR x2"},
		},
		{
			name:    "numeric grandTotal rejects that offer only",
			line:    edit(grandTotal, `,"grandTotal":341.87`),
			wantObs: []string{"TG 498.20 EUR x1", "PR 355.34 EUR x1"},
			wantBad: []string{`offer 1 (id "2"): price.grandTotal "341.87": a JSON number, not a decimal string`},
		},
		{
			name:    "numeric total without grandTotal rejects that offer only",
			line:    edit(grandTotal, ``, total, `"total":341.87`),
			wantObs: []string{"TG 498.20 EUR x1", "PR 355.34 EUR x1"},
			wantBad: []string{`offer 1 (id "2"): price.total "341.87": a JSON number, not a decimal string`},
		},
		{
			name:    "exponent form rejected with its text",
			line:    edit(grandTotal, `,"grandTotal":3.4187e2`),
			wantObs: []string{"TG 498.20 EUR x1", "PR 355.34 EUR x1"},
			wantBad: []string{`offer 1 (id "2"): price.grandTotal "3.4187e2": a JSON number, not a decimal string`},
		},
		{
			name:    "numeric total beside a string grandTotal",
			line:    edit(total, `"total":341.87`),
			wantObs: []string{"TG 498.20 EUR x1", "PR 355.34 EUR x1"},
			wantBad: []string{`offer 1 (id "2"): price.total "341.87": a JSON number, not a decimal string`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkDecode(t, []byte(tt.line))
			rec, err := Decode([]byte(tt.line))
			if err != nil {
				t.Fatalf("Decode: %v, want the answer decoded", err)
			}
			res, err := rec.Convert()
			if err != nil {
				t.Fatalf("Convert: %v, want the valid offers kept", err)
			}
			obs, bad := res.Observations, res.Rejected
			var gotObs, gotBad []string
			for _, o := range obs {
				gotObs = append(gotObs, fmt.Sprintf("%s %s x%d", o.Key.Carrier, o.Price, o.Offers))
			}
			for _, b := range bad {
				gotBad = append(gotBad, b.Error())
			}
			if !reflect.DeepEqual(gotObs, tt.wantObs) {
				t.Errorf("observations = %q, want %q", gotObs, tt.wantObs)
			}
			if !reflect.DeepEqual(gotBad, tt.wantBad) {
				t.Errorf("rejected offers = %q, want %q", gotBad, tt.wantBad)
			}
		})
	}
}
