// Package synthetic is farepipe's embedded default fare provider: it answers
// searches with made-up but plausible flight offers in the Amadeus Flight
// Offers Search v2 response shape, without a network or credentials.
//
// Answers are deterministic. The flights offered for a search depend only on
// the seed and the search; their prices also depend on the observation date,
// through the booking lead time and a small day-to-day drift. Repeated
// searches at the same observation time give byte-identical bodies, and
// polling on later days moves some prices, as a real market does.
//
// Prices follow simple, visible rules: a base fare by route distance,
// carrier and cabin premiums, cheaper connections, dearer Fridays and
// Sundays, cheaper Tuesdays and Wednesdays, and the lowest fares 45 to 90
// days before departure. Money is computed in integer minor units.
package synthetic
