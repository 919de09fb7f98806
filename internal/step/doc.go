// Package step is what every farepipe step binary shares: the exit-code
// contract, the JSON logger, Argo output parameters, the root context and
// the common flags. A step's main is a few lines around Main.
package step
