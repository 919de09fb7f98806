package synthetic

import (
	"strconv"
	"time"

	"github.com/farepipe/farepipe/internal/amadeus"
)

// atLayout is how Amadeus gives local departure and arrival times.
const atLayout = "2006-01-02T15:04:05"

// aircraftNames is the aircraft dictionary of the responses.
var aircraftNames = map[string]string{
	"320": "AIRBUS A320", "321": "AIRBUS A321", "738": "BOEING 737-800",
	"7M8": "BOEING 737 MAX 8", "333": "AIRBUS A330-300", "359": "AIRBUS A350-900",
	"789": "BOEING 787-9", "77W": "BOEING 777-300ER", "388": "AIRBUS A380-800",
}

var (
	shortHaul  = []string{"320", "321", "738", "7M8"}
	mediumHaul = []string{"321", "333", "789", "359"}
	longHaul   = []string{"77W", "789", "359", "388"}
)

// itineraries builds the outbound and, for a round trip, the return
// itinerary of an offer. Segment ids are left for the response to number.
func itineraries(p *planned, req *request) []amadeus.Itinerary {
	its := []amadeus.Itinerary{itinerary(p.opt, req.from, req.to, req.dep, p.out)}
	if req.roundTrip() {
		its = append(its, itinerary(p.opt, req.to, req.from, req.ret, p.back))
	}
	return its
}

// itinerary flies from o to d on date, non-stop or through the option's
// hub, with every time local to its airport.
func itinerary(opt option, o, d airport, date time.Time, l leg) amadeus.Itinerary {
	stops := []airport{o, d}
	if opt.via != "" {
		stops = []airport{o, lookupAirport(opt.via), d}
	}
	var it amadeus.Itinerary
	at := date.Add(time.Duration(l.departure(opt.via != "")) * time.Minute) // local time at stops[0]
	elapsed := 0
	for i := 0; i+1 < len(stops); i++ {
		from, to := stops[i], stops[i+1]
		if i > 0 {
			at = at.Add(time.Duration(l.layover) * time.Minute)
			elapsed += l.layover
		}
		minutes := blockMinutes(distanceKm(from, to))
		arrive := at.Add(time.Duration(minutes+to.utcOffset-from.utcOffset) * time.Minute)
		it.Segments = append(it.Segments, segment(opt.carrier, from, to, at, arrive, minutes))
		elapsed += minutes
		at = arrive
	}
	it.Duration = isoDuration(elapsed)
	return it
}

func segment(c *carrier, from, to airport, dep, arr time.Time, minutes int) amadeus.Segment {
	// The same flight keeps its number and aircraft whatever the date.
	h := hashParts("flight", c.code, from.code, to.code, dep.Format("15:04"))
	fleet := longHaul
	switch km := distanceKm(from, to); {
	case km < 2500 || c.lcc:
		fleet = shortHaul
	case km < 6000:
		fleet = mediumHaul
	}
	return amadeus.Segment{
		Departure:     amadeus.EndPoint{IATACode: from.code, At: dep.Format(atLayout)},
		Arrival:       amadeus.EndPoint{IATACode: to.code, At: arr.Format(atLayout)},
		CarrierCode:   c.code,
		Number:        strconv.FormatUint(100+h%1900, 10),
		Aircraft:      &amadeus.Code{Code: fleet[(h>>32)%uint64(len(fleet))]},
		Duration:      isoDuration(minutes),
		NumberOfStops: 0,
	}
}

// blockMinutes is the scheduled flight time for a distance: taxi and climb
// plus cruise at about 780 km/h, rounded up to five minutes.
func blockMinutes(km int) int {
	m := 35 + km*60/780
	return (m + 4) / 5 * 5
}

// isoDuration formats minutes as an ISO 8601 duration, as Amadeus does:
// "PT2H25M", "PT11H", "PT45M".
func isoDuration(minutes int) string {
	h, m := minutes/60, minutes%60
	s := "PT"
	if h > 0 {
		s += strconv.Itoa(h) + "H"
	}
	if m > 0 || h == 0 {
		s += strconv.Itoa(m) + "M"
	}
	return s
}
