// Package transform streams a raw object into canonical fare observations
// and a quarantine of everything it rejected, each rejection with its
// reason and position. It reads farepipe envelopes, plain Amadeus answers
// and fare rows with a mapping, told apart by package intake (Stream).
// Memory stays flat whatever the object size: one record is held at a
// time (fare rows: one observation per series and instant).
package transform
