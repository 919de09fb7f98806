// Package query answers the questions users ask of the indexed fares:
//
//   - Calendar: the cheapest current fare per departure date, per departure
//     date and stay, or per week, from the latest documents (one per series).
//   - PriceMetrics: the quartiles of the prices a route and departure date
//     (or month) has had, from the change log, and a rating of one price.
//   - History: the change points of one series.
//
// Requests carry parameters in the syntax of the Amadeus Flight Cheapest
// Date Search and Flight Price Analysis APIs ("2027-01-01,2027-01-31",
// "3,7", "P1D") and Validate reports every problem as a *fare.FieldError
// named after the API parameter. Queries are built as structured JSON; no
// parameter is ever spliced into query text. Nothing here knows HTTP.
package query
