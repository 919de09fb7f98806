// Package raw holds what fetch produces and transform consumes: envelopes,
// each one provider response with the search that asked for it, stored as
// gzip-compressed newline-delimited JSON.
package raw
