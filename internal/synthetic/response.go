package synthetic

import (
	"strconv"

	"github.com/farepipe/farepipe/internal/amadeus"
	"github.com/farepipe/farepipe/internal/fare"
)

// respond writes priced offers, cheapest first, as a flight-offers
// response, numbering offers and segments as Amadeus does.
func respond(offers []planned, req *request, key string) amadeus.OffersResponse {
	resp := amadeus.OffersResponse{
		Meta: &amadeus.Meta{Count: len(offers)},
		Data: make([]amadeus.FlightOffer, 0, len(offers)),
		Dictionaries: &amadeus.Dictionaries{
			Carriers: map[string]string{},
			Aircraft: map[string]string{},
		},
	}
	trip := "OW"
	if req.roundTrip() {
		trip = "RT"
	}
	lastTicketing := req.observed.AddDate(0, 0, 7)
	if req.dep.Before(lastTicketing) {
		lastTicketing = req.dep
	}
	segID := 0
	for i := range offers {
		p := &offers[i]
		c := p.opt.carrier
		resp.Dictionaries.Carriers[c.code] = c.name
		var details []amadeus.FareDetail
		for j := range p.itins {
			for k := range p.itins[j].Segments {
				seg := &p.itins[j].Segments[k]
				segID++
				seg.ID = strconv.Itoa(segID)
				resp.Dictionaries.Aircraft[seg.Aircraft.Code] = aircraftNames[seg.Aircraft.Code]
				details = append(details, amadeus.FareDetail{
					SegmentID: seg.ID,
					Cabin:     p.cabin,
					FareBasis: p.class + "L" + trip + c.code,
					Class:     p.class,
				})
			}
		}
		perAdult := amadeus.Price{Currency: req.currency, Total: req.money(p.totalMinor), Base: req.money(p.base)}
		offer := amadeus.FlightOffer{
			Type:                   "flight-offer",
			ID:                     strconv.Itoa(i + 1),
			Source:                 "GDS",
			LastTicketingDate:      lastTicketing.Format(fare.DateLayout),
			NumberOfBookableSeats:  newPRNG(key, "seats", itoa(p.index), req.observed.Format(fare.DateLayout)).between(1, 9),
			Itineraries:            p.itins,
			ValidatingAirlineCodes: []string{c.code},
		}
		for a := 1; a <= req.adults; a++ {
			offer.TravelerPricings = append(offer.TravelerPricings, amadeus.TravelerPrice{
				TravelerID:           strconv.Itoa(a),
				FareOption:           "STANDARD",
				TravelerType:         "ADULT",
				Price:                perAdult,
				FareDetailsBySegment: details,
			})
		}
		n := int64(req.adults)
		total := req.money(p.totalMinor * n)
		offer.Price = amadeus.Price{Currency: req.currency, Total: total, Base: req.money(p.base * n), GrandTotal: total}
		resp.Data = append(resp.Data, offer)
	}
	return resp
}
