// Package query answers the questions users ask of the indexed fares, from
// the latest documents and the change log: the cheapest current fare for
// each departure date of a route. Queries are built as structured JSON;
// no parameter is ever spliced into query text.
package query
