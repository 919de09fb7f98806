// Package fault classifies errors by what fixes them: running again, a
// change of configuration, or nothing, because the input is bad. Pipeline
// packages return classified errors; internal/step turns the class into an
// exit code. fault imports nothing of farepipe's, so any package may.
package fault
