// Package transform streams a raw object of envelopes into canonical fare
// observations and a quarantine of everything it rejected, each rejection
// with its reason and position. Memory stays flat whatever the object size:
// one line is held at a time.
package transform
