package esindex

import (
	"encoding/binary"
	"errors"
	"slices"
	"time"

	"github.com/farepipe/farepipe/internal/fare"
)

// entry is one observation of a series as the series' history keeps it:
// everything a change-point document is made of besides the series key.
type entry struct {
	at     int64 // observed_at in Unix milliseconds
	minor  int64 // price in minor units of the series' currency
	offers int
}

func entryOf(o *fare.Observation) entry {
	return entry{at: o.ObservedAt.UnixMilli(), minor: o.Price.Minor, offers: o.Offers}
}

// history is the encoded form of a series' entries, oldest first, one per
// instant: for each entry the zigzag varints of its instant and price as
// differences from the entry before (from 0 for the first), then its offers
// as a varint. A year of daily polls of an unchanged price takes about
// 2 KiB.
type history []byte

// appendEntry appends e to h, whose last entry is prev (zero for none).
func (h history) appendEntry(prev, e entry) history {
	h = binary.AppendVarint(h, e.at-prev.at)
	h = binary.AppendVarint(h, e.minor-prev.minor)
	return binary.AppendUvarint(h, uint64(e.offers))
}

var errHistory = errors.New("malformed history")

// decode appends the entries of h to es.
func (h history) decode(es []entry) ([]entry, error) {
	var prev entry
	for len(h) > 0 {
		dt, n := binary.Varint(h)
		if n <= 0 {
			return es, errHistory
		}
		h = h[n:]
		dm, n := binary.Varint(h)
		if n <= 0 {
			return es, errHistory
		}
		h = h[n:]
		offers, n := binary.Uvarint(h)
		if n <= 0 {
			return es, errHistory
		}
		h = h[n:]
		e := entry{at: prev.at + dt, minor: prev.minor + dm, offers: int(offers)}
		if len(es) > 0 && e.at <= es[len(es)-1].at {
			return es, errHistory
		}
		es = append(es, e)
		prev = e
	}
	return es, nil
}

// encodeHistory encodes entries, oldest first.
func encodeHistory(h history, es []entry) history {
	var prev entry
	for _, e := range es {
		h = h.appendEntry(prev, e)
		prev = e
	}
	return h
}

// isChange reports whether entry i of es is a change point: the first
// entry, or one whose price differs from the entry before.
func isChange(es []entry, i int) bool {
	return i == 0 || es[i].minor != es[i-1].minor
}

// changePoints appends the instants of the change points of es to dst.
func changePoints(dst []int64, es []entry) []int64 {
	for i := range es {
		if isChange(es, i) {
			dst = append(dst, es[i].at)
		}
	}
	return dst
}

// merge returns the union of es (sorted, one entry per instant) and add
// (sorted by instant, possibly repeating instants), keeping for an instant
// the entry of es, or else the first of add. dup[i] reports whether add[i]
// was already there. The result is written to dst.
func merge(dst, es, add []entry, dup []bool) []entry {
	i := 0
	for j := range add {
		for i < len(es) && es[i].at < add[j].at {
			dst = append(dst, es[i])
			i++
		}
		switch {
		case i < len(es) && es[i].at == add[j].at,
			len(dst) > 0 && dst[len(dst)-1].at == add[j].at:
			dup[j] = true
		default:
			dst = append(dst, add[j])
		}
	}
	return append(dst, es[i:]...)
}

// sortObservations sorts observations by instant, keeping the input order
// of equal instants.
func sortObservations(obs []fare.Observation) {
	slices.SortStableFunc(obs, func(a, b fare.Observation) int { return a.ObservedAt.Compare(b.ObservedAt) })
}

func millis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
