// Package fetch runs a search plan against a provider: searches in plan
// order, a bounded number at a time, skipping those a checkpoint says are
// fresher than a TTL, stopping cleanly when the provider's request budget
// is spent, and writing each answer as one envelope line in plan order, so
// the same answers always make the same bytes.
package fetch
