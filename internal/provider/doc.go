// Package provider defines what fetch asks of a fare source and the errors
// a source reports, so that fetch can tell a retryable failure from a
// permanent one and from an exhausted request budget.
package provider
