package fare

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

var key = SeriesKey{Source: "amadeus", Origin: "ICN", Destination: "NRT", Departure: "2027-01-05",
	Cabin: "ECONOMY", NonStop: true, Carrier: "KE", Currency: "KRW"}

func TestSeriesID(t *testing.T) {
	// The documented formula, computed independently:
	// sha256("fare.v1|amadeus|ICN|NRT|2027-01-05||ECONOMY|1|KE|KRW")[:16] in hex.
	if got, want := key.Canonical(), "fare.v1|amadeus|ICN|NRT|2027-01-05||ECONOMY|1|KE|KRW"; got != want {
		t.Errorf("Canonical() = %q, want %q", got, want)
	}
	id := key.ID()
	if len(id) != 32 || strings.Trim(id, "0123456789abcdef") != "" {
		t.Errorf("ID() = %q, want 32 lower-case hex digits", id)
	}
	if key.ID() != id {
		t.Error("ID() differs between calls")
	}
	other := key
	other.Return = "2027-01-12"
	if other.ID() == id {
		t.Error("a round trip has the id of the one-way series")
	}
	flipped := key
	flipped.NonStop = false
	if flipped.ID() == id {
		t.Error("the non-stop flag does not change the id")
	}
}

func TestObservationID(t *testing.T) {
	at := time.Date(2026, 11, 21, 6, 0, 0, 123456789, time.UTC)
	price, _ := ParseMoney("120000", "KRW")
	a := NewObservation(key, at, price, 3)
	b := NewObservation(key, at.In(time.FixedZone("KST", 9*3600)).Add(400*time.Microsecond), price, 1)
	if a.ID != b.ID {
		t.Errorf("same instant (to the millisecond) in another zone gave ids %s and %s", a.ID, b.ID)
	}
	c := NewObservation(key, at.Add(time.Millisecond), price, 3)
	if c.ID == a.ID {
		t.Error("a millisecond later gave the same id")
	}
	if a.ID != ObservationID(key.ID(), at) {
		t.Error("NewObservation id differs from ObservationID")
	}
}

func TestObservationJSONRoundTrip(t *testing.T) {
	price, _ := ParseMoney("1.234", "KWD")
	k := key
	k.Currency = "KWD"
	k.Return = "2027-01-09"
	o := NewObservation(k, time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC), price, 4)
	data, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	var back Observation
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("Unmarshal(%s): %v", data, err)
	}
	if back != o {
		t.Errorf("round trip = %+v, want %+v", back, o)
	}
	tampered := strings.Replace(string(data), `"amount_minor":1234`, `"amount_minor":1200`, 1)
	if err := json.Unmarshal([]byte(tampered), &back); err == nil || !strings.Contains(err.Error(), "disagree") {
		t.Errorf("tampered amount_minor: error %v, want a disagreement", err)
	}
	moved := strings.Replace(string(data), `"origin":"ICN"`, `"origin":"GMP"`, 1)
	if err := json.Unmarshal([]byte(moved), &back); err == nil || !strings.Contains(err.Error(), "do not match") {
		t.Errorf("edited key: error %v, want an identifier mismatch", err)
	}
}

func TestValidate(t *testing.T) {
	good, _ := ParseMoney("120000", "KRW")
	at := time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		edit    func(*Observation)
		wantErr []string
	}{
		{"valid", func(*Observation) {}, nil},
		{"lower-case origin", func(o *Observation) { o.Key.Origin = "icn" }, []string{`origin "icn"`}},
		{"digit in destination", func(o *Observation) { o.Key.Destination = "NR1" }, []string{`destination "NR1"`}},
		{"same origin and destination", func(o *Observation) { o.Key.Destination = "ICN" }, []string{"same as origin"}},
		{"bad departure", func(o *Observation) { o.Key.Departure = "2027-02-30" }, []string{`departure_date "2027-02-30"`}},
		{"return before departure", func(o *Observation) { o.Key.Return = "2027-01-04" }, []string{"before departure_date"}},
		{"unknown cabin", func(o *Observation) { o.Key.Cabin = "COACH" }, []string{`cabin "COACH"`}},
		{"bad carrier", func(o *Observation) { o.Key.Carrier = "K" }, []string{`carrier "K"`}},
		{"unknown currency", func(o *Observation) { o.Key.Currency = "ABC"; o.Price.Currency = "ABC" }, []string{`currency "ABC"`}},
		{"zero price", func(o *Observation) { o.Price, _ = ParseMoney("0", "KRW") }, []string{"not positive"}},
		{"negative price", func(o *Observation) { o.Price, _ = ParseMoney("-5", "KRW") }, []string{"not positive"}},
		{"currency mismatch", func(o *Observation) { o.Price, _ = ParseMoney("5", "USD") }, []string{"differs from series currency"}},
		{"missing observed_at", func(o *Observation) { o.ObservedAt = time.Time{} }, []string{"observed_at", "missing"}},
		{"stale id", func(o *Observation) { o.Key.Carrier = "OZ" }, []string{"series_id", "does not match"}},
		{"control character in source", func(o *Observation) { o.Key.Source = "amadeus\x01" }, []string{"not a source name"}},
		{"upper-case source", func(o *Observation) { o.Key.Source = "Amadeus" }, []string{"not a source name"}},
		{"two problems reported", func(o *Observation) { o.Key.Origin = "X"; o.Key.Cabin = "" }, []string{`origin "X"`, `cabin ""`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := NewObservation(key, at, good, 1)
			tt.edit(&o)
			err := o.Validate()
			if tt.wantErr == nil {
				if err != nil {
					t.Errorf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want errors mentioning %q", tt.wantErr)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q, want it to mention %q", err, w)
				}
			}
		})
	}
}

func TestFieldErrorsWalksJoinedAndWrappedErrors(t *testing.T) {
	a := &FieldError{Field: "origin", Value: "IC1", Reason: "not an IATA code"}
	b := &FieldError{Field: "currency", Value: "XYZ", Reason: "unknown currency"}
	err := fmt.Errorf("request: %w", errors.Join(a, errors.New("other"), errors.Join(b)))
	got := FieldErrors(err)
	if len(got) != 2 || got[0] != a || got[1] != b {
		t.Errorf("FieldErrors = %v, want [%v %v]", got, a, b)
	}
	if got := FieldErrors(errors.New("plain")); got != nil {
		t.Errorf("FieldErrors of a plain error = %v, want none", got)
	}
}
