// Package intake reads raw objects of any producer: it tells their format
// from their content (farepipe envelopes, plain Amadeus Flight Offers
// Search answers, fare rows in CSV or NDJSON with a mapping), decides the
// instant an object observed its prices when the object does not say, and
// turns answers into envelopes and rows into observations.
package intake
