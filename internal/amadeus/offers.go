package amadeus

// The wire types of GET /v2/shopping/flight-offers, reduced to the fields
// farepipe reads or writes. Unknown fields are ignored when decoding.

// OffersResponse is the body of a successful flight-offers search.
type OffersResponse struct {
	Meta         *Meta         `json:"meta,omitempty"`
	Data         []FlightOffer `json:"data"`
	Warnings     []Issue       `json:"warnings,omitempty"`
	Dictionaries *Dictionaries `json:"dictionaries,omitempty"`
}

// Meta is the collection metadata of a response.
type Meta struct {
	Count int               `json:"count"`
	Links map[string]string `json:"links,omitempty"`
}

// Dictionaries maps codes used in the offers to names.
type Dictionaries struct {
	Carriers   map[string]string `json:"carriers,omitempty"`
	Currencies map[string]string `json:"currencies,omitempty"`
	Aircraft   map[string]string `json:"aircraft,omitempty"`
}

// FlightOffer is one priced itinerary.
type FlightOffer struct {
	Type                   string          `json:"type"`
	ID                     string          `json:"id"`
	Source                 string          `json:"source,omitempty"`
	OneWay                 bool            `json:"oneWay"`
	LastTicketingDate      string          `json:"lastTicketingDate,omitempty"`
	NumberOfBookableSeats  int             `json:"numberOfBookableSeats,omitempty"`
	Itineraries            []Itinerary     `json:"itineraries"`
	Price                  Price           `json:"price"`
	ValidatingAirlineCodes []string        `json:"validatingAirlineCodes"`
	TravelerPricings       []TravelerPrice `json:"travelerPricings"`
}

// Itinerary is one direction of a trip.
type Itinerary struct {
	Duration string    `json:"duration,omitempty"`
	Segments []Segment `json:"segments"`
}

// Segment is one flight of an itinerary.
type Segment struct {
	Departure     EndPoint `json:"departure"`
	Arrival       EndPoint `json:"arrival"`
	CarrierCode   string   `json:"carrierCode"`
	Number        string   `json:"number"`
	Aircraft      *Code    `json:"aircraft,omitempty"`
	Duration      string   `json:"duration,omitempty"`
	ID            string   `json:"id"`
	NumberOfStops int      `json:"numberOfStops"`
}

// EndPoint is where and when a segment departs or arrives.
type EndPoint struct {
	IATACode string `json:"iataCode"`
	Terminal string `json:"terminal,omitempty"`
	At       string `json:"at"`
}

// Code wraps a bare code, as aircraft equipment is given.
type Code struct {
	Code string `json:"code"`
}

// Price is the price of an offer; amounts are decimal strings.
type Price struct {
	Currency   string `json:"currency"`
	Total      string `json:"total"`
	Base       string `json:"base,omitempty"`
	GrandTotal string `json:"grandTotal,omitempty"`
}

// TravelerPrice is the price and fare details for one traveler.
type TravelerPrice struct {
	TravelerID           string       `json:"travelerId"`
	FareOption           string       `json:"fareOption,omitempty"`
	TravelerType         string       `json:"travelerType"`
	Price                Price        `json:"price"`
	FareDetailsBySegment []FareDetail `json:"fareDetailsBySegment"`
}

// FareDetail is the fare of one segment for one traveler.
type FareDetail struct {
	SegmentID string `json:"segmentId"`
	Cabin     string `json:"cabin"`
	FareBasis string `json:"fareBasis,omitempty"`
	Class     string `json:"class,omitempty"`
}

// ErrorResponse is the body of a failed request.
type ErrorResponse struct {
	Errors []Issue `json:"errors"`
}

// Issue is one error or warning of a response.
type Issue struct {
	Status int    `json:"status,omitempty"`
	Code   int    `json:"code,omitempty"`
	Title  string `json:"title,omitempty"`
	Detail string `json:"detail,omitempty"`
}
