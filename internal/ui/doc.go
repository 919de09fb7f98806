// Package ui is farepipe's web page: a fare calendar of one route and
// month, coloured from the cheapest to the dearest departure date, with
// the price history of a date's fare drawn as a step chart.
//
// The page is a few static files embedded in the binary (HTML, CSS and
// plain ES modules, no framework and no build step) that talk to the
// query API of package api from the same origin: /v1/calendar for the
// month, /v1/series/{id}/history and /v1/price-metrics for one date.
// Handler serves them; farepipe serve mounts it at "/" through
// api.Options.UI.
package ui
