// Package amadeus speaks the Amadeus Flight Offers Search v2 API: its wire
// types, a client with OAuth2 client credentials, rate limit, retries and a
// request budget, and the parser that turns a response into fare
// observations.
package amadeus
