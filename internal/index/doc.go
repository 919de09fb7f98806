// Package index is the index step: one curated object of observations
// into Elasticsearch through esindex, the records Elasticsearch rejects
// for good stored as a dead-letter object, and the run's outcome as an
// error of its fault class. The index binary and farepipe run and ingest
// call the same Run.
package index
