package esindex

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/farepipe/farepipe/internal/fare"
)

// Latest is the one document per series in the latest index: the current
// price and how the series was seen.
type Latest struct {
	Key           fare.SeriesKey
	SeriesID      string
	Price         fare.Money
	ObservationID string    // the change point that set the current price
	ChangedAt     time.Time // when the current price was first seen
	FirstSeen     time.Time // first observation of the series
	LastSeen      time.Time // last observation of the series
	Observations  int64     // observations folded in, change points included
	ChangePoints  int64     // change points stored while folding in order
	Offers        int       // offers of the last observation's response in its series
	// Breakdown is that of the observation with the greatest observed_at
	// (see newestBreakdown); the history keeps prices only.
	Breakdown fare.Breakdown

	// History holds every observation of the series (see history), from
	// which everything above is derived.
	History history
	// Gen counts the writes of the document; the change-log writes of a
	// fold carry it as their external version.
	Gen int64
	// Pending lists the instants whose change-log documents the last fold
	// wrote or deleted after writing this document, and which the next fold
	// writes again before its own, in case the last one did not finish.
	Pending []int64

	// seqNo and primaryTerm are where the stored document was read, for
	// the conditional write that replaces it; primaryTerm is 0 when the
	// document was not read from the index.
	seqNo, primaryTerm int64
}

// AppendJSON appends the document body.
func (l *Latest) AppendJSON(b []byte) []byte {
	o := fare.Observation{ID: l.ObservationID, SeriesID: l.SeriesID, ObservedAt: l.LastSeen,
		Key: l.Key, Price: l.Price, Breakdown: l.Breakdown, Offers: l.Offers}
	b = o.AppendJSON(b)
	b = b[:len(b)-1] // reopen the object
	// The three instants are often the same: format last_seen once.
	var buf [32]byte
	last := fare.AppendTime(buf[:0], l.LastSeen)
	b = appendTime(append(b, `,"`+FieldChangedAt+`":`...), l.ChangedAt, l.LastSeen, last)
	b = appendTime(append(b, `,"`+FieldFirstSeen+`":`...), l.FirstSeen, l.LastSeen, last)
	b = appendTime(append(b, `,"`+FieldLastSeen+`":`...), l.LastSeen, l.LastSeen, last)
	b = strconv.AppendInt(append(b, `,"`+FieldObservations+`":`...), l.Observations, 10)
	b = strconv.AppendInt(append(b, `,"`+FieldChangePoints+`":`...), l.ChangePoints, 10)
	b = append(b, `,"`+fieldHistory+`":"`...)
	b = base64.StdEncoding.AppendEncode(b, l.History)
	b = strconv.AppendInt(append(b, `","`+fieldGen+`":`...), l.Gen, 10)
	if len(l.Pending) > 0 {
		b = append(b, `,"`+fieldPending+`":[`...)
		for i, at := range l.Pending {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, at, 10)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendTime appends t as a JSON string; formatted is how ref, which may
// be the same instant, is formatted.
func appendTime(b []byte, t, ref time.Time, formatted []byte) []byte {
	b = append(b, '"')
	if t.Equal(ref) {
		b = append(b, formatted...)
	} else {
		b = fare.AppendTime(b, t)
	}
	return append(b, '"')
}

// latestSource is the stored form of a Latest document.
type latestSource struct {
	ID string `json:"id"`
	fare.SeriesFields
	Amount       string    `json:"amount"`
	Minor        int64     `json:"amount_minor"`
	Base         string    `json:"base"`
	Taxes        string    `json:"taxes"`
	GrandTotal   string    `json:"grand_total"`
	Offers       int       `json:"offers"`
	ChangedAt    time.Time `json:"changed_at"`
	FirstSeen    time.Time `json:"first_seen"`
	LastSeen     time.Time `json:"last_seen"`
	Observations int64     `json:"observations"`
	ChangePoints int64     `json:"change_points"`
	History      []byte    `json:"history"`
	Gen          int64     `json:"gen"`
	Pending      []int64   `json:"pending"`
}

// ParseLatest decodes a stored latest document.
func ParseLatest(src []byte) (*Latest, error) {
	var s latestSource
	if err := json.Unmarshal(src, &s); err != nil {
		return nil, fmt.Errorf("decoding latest document: %w", err)
	}
	price, err := fare.ParseMoney(s.Amount, s.Currency)
	if err != nil {
		return nil, fmt.Errorf("latest document %s: %w", s.SeriesID, err)
	}
	var bd fare.Breakdown
	for _, part := range [...]struct {
		amount string
		m      *fare.Money
	}{{s.Base, &bd.Base}, {s.Taxes, &bd.Taxes}, {s.GrandTotal, &bd.GrandTotal}} {
		if part.amount == "" {
			continue
		}
		if *part.m, err = fare.ParseMoney(part.amount, s.Currency); err != nil {
			return nil, fmt.Errorf("latest document %s: %w", s.SeriesID, err)
		}
	}
	return &Latest{
		Key: s.Key(), SeriesID: s.SeriesID, Price: price, Breakdown: bd, ObservationID: s.ID,
		ChangedAt: s.ChangedAt.UTC(), FirstSeen: s.FirstSeen.UTC(), LastSeen: s.LastSeen.UTC(),
		Observations: s.Observations, ChangePoints: s.ChangePoints, Offers: s.Offers,
		History: s.History, Gen: s.Gen, Pending: s.Pending,
	}, nil
}

// newestBreakdown is the breakdown of the newest of a series' observations,
// the stored document's (cur, nil for a new series) and the new ones (obs,
// sorted by observed_at), as the price is that of the newest: whatever
// order observations come in, the document ends with the breakdown of the
// greatest observed_at.
func newestBreakdown(cur *Latest, obs []fare.Observation) fare.Breakdown {
	last := &obs[len(obs)-1]
	if cur != nil && !last.ObservedAt.After(cur.LastSeen) {
		return cur.Breakdown
	}
	return last.Breakdown
}
