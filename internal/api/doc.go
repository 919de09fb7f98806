// Package api serves farepipe's query API over HTTP: the fare calendar
// (GET /v1/calendar), price metrics and ratings (GET /v1/price-metrics),
// series histories (GET /v1/series/{id}/history), its own OpenAPI 3.1
// document (GET /openapi.json), liveness and readiness probes and
// Prometheus metrics. Parameters and answers follow Amadeus Flight
// Cheapest Date Search and Flight Price Analysis where those APIs have an
// equivalent; errors are Amadeus-style ({"errors": [...]}, one per bad
// parameter).
//
// Every path the API does not claim, "/" first, belongs to the web page
// mounted with Options.UI.
package api
