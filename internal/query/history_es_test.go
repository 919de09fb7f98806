package query

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/farepipe/farepipe/internal/fare"
)

func TestHistoryOfASeries(t *testing.T) {
	t.Parallel()
	c, _ := loadFixture(t)
	key := fare.SeriesKey{Source: "fixture", Origin: "ICN", Destination: "NRT", Departure: "2027-01-06",
		Return: "2027-01-09", Cabin: "ECONOMY", NonStop: true, Carrier: "KE", Currency: "KRW"}
	h, err := c.History(context.Background(), key.ID())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ch := range h.Changes {
		got = append(got, fare.FormatTime(ch.ObservedAt)+" "+ch.Price.Amount)
		if ch.ObservationID != fare.ObservationID(key.ID(), ch.ObservedAt) {
			t.Errorf("change at %s has id %s, want the observation's", ch.ObservedAt, ch.ObservationID)
		}
	}
	// The late observation at B on Day2 moved the change to B from Day3
	// to Day2, as one pass in time order has it.
	want := []string{"2026-11-19T06:00:00.000Z 180000", "2026-11-20T06:00:00.000Z 171000"}
	if !slices.Equal(got, want) {
		t.Errorf("changes = %q, want %q", got, want)
	}
	if h.Key != key || h.Latest == nil {
		t.Fatalf("history key %+v, latest %+v; want %+v and a latest document", h.Key, h.Latest, key)
	}
	if fare.FormatTime(h.Latest.FirstSeen) != "2026-11-19T06:00:00.000Z" || fare.FormatTime(h.Latest.LastSeen) != "2026-11-21T06:00:00.000Z" ||
		h.Latest.Price.Minor != 171000 {
		t.Errorf("latest %+v, want first seen Day1, last seen Day3 at 171000", h.Latest)
	}

	if _, err := c.History(context.Background(), "0123456789abcdef0123456789abcdef"); !errors.Is(err, ErrNotFound) {
		t.Errorf("history of an unknown series: %v, want ErrNotFound", err)
	}
	var fe *fare.FieldError
	if _, err := c.History(context.Background(), "not-an-id"); !errors.As(err, &fe) || fe.Field != "id" {
		t.Errorf("history of a malformed id: %v, want a field error of id", err)
	}
}
