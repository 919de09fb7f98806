package amadeus

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/farepipe/farepipe/internal/fare"
	"github.com/farepipe/farepipe/internal/raw"
)

var update = flag.Bool("update", false, "rewrite golden files")

var fetchedAt = time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC)

func search(origin, destination, departure, ret string, adults int) *raw.Search {
	return &raw.Search{Origin: origin, Destination: destination, Departure: departure, Return: ret, Adults: adults}
}

func readAnswer(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "answers", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// golden renders a result as its golden file holds it.
func golden(t *testing.T, res *Result) []byte {
	t.Helper()
	type rejected struct {
		Offer  int    `json:"offer"`
		ID     string `json:"id"`
		Reason string `json:"reason"`
	}
	out := struct {
		Observations []json.RawMessage `json:"observations"`
		Rejected     []rejected        `json:"rejected"`
		Offers       int               `json:"offers"`
		Repeated     int               `json:"repeated"`
		Empty        bool              `json:"empty"`
		Warnings     []string          `json:"warnings"`
	}{Offers: res.Offers, Repeated: res.Repeated, Empty: res.Empty(), Warnings: res.WarningCodes()}
	for i := range res.Observations {
		out.Observations = append(out.Observations, res.Observations[i].AppendJSON(nil))
	}
	for _, r := range res.Rejected {
		out.Rejected = append(out.Rejected, rejected{r.Offer, r.ID, r.Err.Error()})
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// TestConvertGolden converts realistic answers (testdata/answers) and
// compares the results with their golden files; each case also checks
// the rule it is about.
func TestConvertGolden(t *testing.T) {
	tests := []struct {
		name   string
		search *raw.Search
		check  func(t *testing.T, res *Result)
	}{
		{"sel-tyo-city-codes", search("SEL", "TYO", "2027-01-10", "", 1), func(t *testing.T, res *Result) {
			routes := map[string]int{}
			for _, o := range res.Observations {
				routes[o.Key.Origin+"-"+o.Key.Destination] += o.Offers
			}
			if len(res.Rejected) != 0 || routes["ICN-NRT"] != 2 || routes["GMP-HND"] != 1 || len(routes) != 2 {
				t.Errorf("series %v, %d rejected; want ICN-NRT (2 offers) and GMP-HND (1), the airports flown, none rejected", routes, len(res.Rejected))
			}
		}},
		{"icn-nrt-contradicting", search("ICN", "NRT", "2027-01-10", "", 1), func(t *testing.T, res *Result) {
			if len(res.Observations) != 1 || res.Observations[0].Price.Amount != "231600" {
				t.Errorf("observations %+v, want only offer 4 at 231600", res.Observations)
			}
			if len(res.Rejected) != 3 {
				t.Fatalf("%d rejected, want offers 1 (GMP-HND on the 11th), 2 (I1N) and 3 (KIX)", len(res.Rejected))
			}
			for _, r := range res.Rejected {
				var back struct{ ID string }
				if err := json.Unmarshal(r.JSON, &back); err != nil || back.ID != r.ID {
					t.Errorf("rejected offer %q carries JSON %.60s (id %q, %v), want the offer itself", r.ID, r.JSON, back.ID, err)
				}
			}
		}},
		{"icn-nrt-mixed-cabins", search("ICN", "NRT", "2027-01-10", "2027-01-14", 1), func(t *testing.T, res *Result) {
			cabins := map[string]string{}
			for _, o := range res.Observations {
				cabins[o.Key.Cabin] = o.Price.Amount
			}
			want := map[string]string{"ECONOMY": "412000", fare.CabinMixed: "389000", "BUSINESS": "1210000"}
			if len(cabins) != len(want) || cabins["ECONOMY"] != want["ECONOMY"] || cabins[fare.CabinMixed] != want[fare.CabinMixed] {
				t.Errorf("cheapest by cabin %v, want %v: the economy-out business-back fare is MIXED, not ECONOMY", cabins, want)
			}
		}},
		{"jfk-lax-additional-services", search("NYC", "LAX", "2027-01-10", "", 1), func(t *testing.T, res *Result) {
			o := res.Observations[0]
			if o.Price.Amount != "245.60" || o.Base.Minor != 19800 || o.Taxes.Minor != 4760 || o.GrandTotal.Minor != 28060 {
				t.Errorf("price %s base %s taxes %s grand total %s; want the fare 245.60 (total, without the 35.00 bag), base 198.00, taxes 47.60, grand total 280.60",
					o.Price, o.Base, o.Taxes, o.GrandTotal)
			}
		}},
		{"icn-nrt-duplicate-offers", search("ICN", "NRT", "2027-01-10", "", 1), func(t *testing.T, res *Result) {
			if res.Offers != 2 || res.Repeated != 1 || res.Observations[0].Offers != 2 {
				t.Errorf("offers %d, repeated %d, observation offers %d; want 2, 1, 2 (offer 2 repeats offer 1)",
					res.Offers, res.Repeated, res.Observations[0].Offers)
			}
		}},
		{"icn-nrt-empty-warnings", search("ICN", "NRT", "2027-01-10", "", 1), func(t *testing.T, res *Result) {
			if !res.Empty() || len(res.Observations) != 0 || strings.Join(res.WarningCodes(), ",") != "3015" {
				t.Errorf("empty %v, %d observations, warnings %v; want an empty answer with warning 3015", res.Empty(), len(res.Observations), res.WarningCodes())
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Convert("amadeus", tt.search, readAnswer(t, tt.name+".json"), fetchedAt)
			if err != nil {
				t.Fatalf("Convert: %v", err)
			}
			tt.check(t, res)
			got := golden(t, res)
			path := filepath.Join("testdata", "answers", tt.name+".golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Convert result differs from %s (run with -update to accept):\n%s", path, got)
			}
		})
	}
}

// TestConvertAdultsNameSeries: the same flight for one adult and for two
// is two series, each with its own mix, and a search bounds the mix.
func TestConvertAdultsNameSeries(t *testing.T) {
	ids := map[string]int{}
	for _, n := range []int{1, 2} {
		answer := readAnswer(t, "icn-nrt-adults-"+string(rune('0'+n))+".json")
		res, err := Convert("amadeus", search("ICN", "NRT", "2027-01-10", "", n), answer, fetchedAt)
		if err != nil || len(res.Observations) != 1 {
			t.Fatalf("adults %d: %v, %+v", n, err, res)
		}
		o := res.Observations[0]
		if o.Key.Passengers != (fare.Passengers{Adults: n}) {
			t.Errorf("adults %d: mix %+v", n, o.Key.Passengers)
		}
		ids[o.SeriesID] = n
		other := 3 - n
		res, err = Convert("amadeus", search("ICN", "NRT", "2027-01-10", "", other), answer, fetchedAt)
		if err != nil || len(res.Rejected) != 1 || !strings.Contains(res.Rejected[0].Error(), "adults") {
			t.Errorf("answer for %d adults under a search for %d: %v, %+v; want the offer rejected", n, other, err, res)
		}
	}
	if len(ids) != 2 {
		t.Errorf("1 and 2 adults share a series: %v", ids)
	}
}

// TestConvertWithoutSearch: with no search the key comes from the offers
// alone, so an offer that contradicts the search is kept under the trip it
// prices.
func TestConvertWithoutSearch(t *testing.T) {
	res, err := Convert("amadeus", nil, readAnswer(t, "icn-nrt-contradicting.json"), fetchedAt)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range res.Observations {
		got = append(got, o.Key.Origin+"-"+o.Key.Destination+" "+o.Key.Departure)
	}
	if strings.Join(got, ",") == "" || len(res.Rejected) != 1 || res.Rejected[0].ID != "2" {
		t.Errorf("series %v, rejected %v; want GMP-HND, ICN-KIX and ICN-NRT kept and only offer 2 (airport I1N) rejected", got, res.Rejected)
	}
	if len(res.Observations) != 3 {
		t.Errorf("%d observations (%v), want 3", len(res.Observations), got)
	}
}

func TestConvertRefusesWholeAnswers(t *testing.T) {
	tests := []struct {
		name, source, answer string
		search               *raw.Search
		at                   time.Time
		want                 string
	}{
		{"not JSON", "amadeus", `{"data":[`, nil, fetchedAt, "decoding answer"},
		{"errors", "amadeus", `{"errors":[{"status":400,"code":425,"title":"INVALID DATE"}]}`, nil, fetchedAt, "425 INVALID DATE"},
		{"no data", "amadeus", `{"meta":{}}`, nil, fetchedAt, "not a Flight Offers Search answer"},
		{"bad source", "Amadeus", `{"data":[]}`, nil, fetchedAt, "provider"},
		{"bad search", "amadeus", `{"data":[]}`, search("IC", "NRT", "2027-01-10", "", 1), fetchedAt, "request"},
		{"no instant", "amadeus", `{"data":[]}`, nil, time.Time{}, "fetched_at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Convert(tt.source, tt.search, []byte(tt.answer), tt.at)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Convert = %+v, %v; want an error mentioning %q", res, err, tt.want)
			}
		})
	}
}

func TestIsLocalTime(t *testing.T) {
	for in, want := range map[string]bool{
		"2027-01-10T08:30:00": true,
		"2028-02-29T23:59:59": true,
		"2027-02-29T08:30:00": false, // not a leap year
		"2027-01-10T24:00:00": false,
		"2027-13-10T08:30:00": false,
		"2027-01-10 08:30:00": false,
		"2027-01-10T08:30":    false,
		"2027-01-10":          false,
		"10/01/2027T08:30:00": false,
	} {
		if got := isLocalTime(in); got != want {
			t.Errorf("isLocalTime(%q) = %v, want %v", in, got, want)
		}
	}
}
