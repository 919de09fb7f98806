package synthetic

import "time"

// The pricing rules. Every factor is per mille, applied in integer
// arithmetic to US cents, so the same inputs give the same cents everywhere.

// marketFare is the one-way economy market fare, in US cents, for a route
// of the given great-circle distance.
func marketFare(km int) int64 {
	switch {
	case km < 800:
		return 8000
	case km < 1500:
		return 12000
	case km < 3000:
		return 18000
	case km < 5000:
		return 26000
	case km < 8000:
		return 42000
	case km < 11000:
		return 56000
	default:
		return 68000
	}
}

// weekdayFactor makes Fridays and Sundays dearer, Tuesdays and Wednesdays
// cheaper.
var weekdayFactor = [7]int{
	time.Sunday: 1100, time.Monday: 1000, time.Tuesday: 900, time.Wednesday: 920,
	time.Thursday: 1020, time.Friday: 1150, time.Saturday: 980,
}

// leadFactor prices by days between observation and departure: steep close
// in, cheapest 45 to 90 days out, back to the list fare far ahead. Steps,
// not a curve, so a fare holds for days and then moves, as fare buckets do.
func leadFactor(days int) int {
	switch {
	case days <= 2:
		return 1600
	case days <= 6:
		return 1400
	case days <= 13:
		return 1250
	case days <= 20:
		return 1120
	case days <= 44:
		return 1000
	case days <= 90:
		return 880
	case days <= 180:
		return 940
	default:
		return 1000
	}
}

// timeFactor prices by local departure time: early and late flights are
// cheaper, the morning and evening peaks dearer.
func timeFactor(minute int) int {
	switch {
	case minute < 7*60:
		return 920
	case minute < 10*60:
		return 1080
	case minute >= 22*60:
		return 900
	case minute >= 17*60 && minute < 21*60:
		return 1060
	default:
		return 1000
	}
}

// cabinFactor is the premium of a cabin over economy; premium cabins cost
// relatively more on long flights, where the seat is a bed.
func cabinFactor(cabin string, km int) int {
	long := km >= 3000
	switch cabin {
	case "PREMIUM_ECONOMY":
		return 1700
	case "BUSINESS":
		if long {
			return 4800
		}
		return 3400
	case "FIRST":
		if long {
			return 8000
		}
		return 5600
	default:
		return 1000
	}
}

const (
	connectionFactor = 860 // a one-stop offer against a non-stop one
	roundTripFactor  = 900 // a round trip against two one-ways
	taxPerSegment    = 1500
	taxPermille      = 60
)

// taxes are the charges on top of the base fare, in US cents: a fixed part
// per flight and a share of the fare.
func taxes(base int64, segments int) int64 {
	return taxPerSegment*int64(segments) + permille(base, taxPermille)
}

// driftFactor is the day-to-day movement of one offer's price: a value in
// [-amp, amp] per mille that holds for period days and then changes. The
// periods and phases differ between offers, so on any day some prices move
// and others stay.
func driftFactor(key string, offer, period, phase, amp int, observed time.Time) int {
	if amp <= 0 {
		return 1000
	}
	day := int(observed.Unix() / 86400)
	epoch := (day + phase) / period
	r := newPRNG(key, "drift", itoa(offer), itoa(epoch))
	return 1000 - amp + r.intn(2*amp+1)
}
