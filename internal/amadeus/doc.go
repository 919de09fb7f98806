// Package amadeus speaks the Amadeus Flight Offers Search v2 API: its wire
// types, a client with OAuth2 client credentials, rate limit, retries and a
// request budget, and the conversion of an answer into fare observations
// (Convert for an answer alone, Record.Convert for a farepipe envelope).
//
// An observation's series key is what its offer prices: the airports and
// local dates of its own itineraries, its segments, cabins and travellers.
// The search, when known, only bounds them: an offer that contradicts it
// is refused with its JSON, never indexed.
//
// Credentials stay where they belong: the client secret goes to the token
// endpoint of the configured base URL only (its request follows no
// redirect), the bearer token to the same origin only (a search follows
// redirects within it), a refused token request is not repeated for the
// rest of the run, and provider text that enters an error or a log is
// redacted of anything that looks like a token or key.
package amadeus
