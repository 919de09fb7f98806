// Package ndjson reads and writes gzip-compressed newline-delimited JSON, the
// form of every object farepipe stores, one record a line, with line
// numbers for error reports and a clear verdict on a truncated stream.
package ndjson
