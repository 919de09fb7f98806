// Package fare is farepipe's canonical model of a fare observation: the
// series key that names a price series, exact money, deterministic
// identifiers and validation.
//
// It imports nothing else of farepipe; every other package speaks in its
// terms.
package fare
