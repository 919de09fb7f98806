// Package monitoring holds farepipe's Prometheus alerting rules
// (rules.yaml) and their promtool unit tests (rules_test.yaml); its Go test
// runs promtool on them and checks that every metric the rules read is one
// farepipe emits.
package monitoring
