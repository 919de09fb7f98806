// Package amadeus speaks the Amadeus Flight Offers Search v2 API: its wire
// types, a client with OAuth2 client credentials, rate limit, retries and a
// request budget, and the parser that turns a response into fare
// observations.
//
// Credentials stay where they belong: the client secret goes to the token
// endpoint of the configured base URL only (its request follows no
// redirect), the bearer token to the same origin only (a search follows
// redirects within it), a refused token request is not repeated for the
// rest of the run, and provider text that enters an error or a log is
// redacted of anything that looks like a token or key.
package amadeus
