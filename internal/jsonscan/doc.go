// Package jsonscan reads JSON straight from bytes, for the hand-written fast
// paths of farepipe's decoders (Amadeus envelopes in transform, bulk and
// mget responses in index).
//
// A Scanner reads one value at a time and validates everything it passes
// over. It never guesses: each method reports false for anything it does
// not take exactly as encoding/json would (an escape in a string it returns,
// a key that matches a field only when case is ignored, a field given
// twice, a number it cannot hold, a syntax error). A decoder built on it
// then decodes the whole input again with encoding/json, so its fast path
// changes speed, never results or errors.
package jsonscan
