// Package integration holds the tests that run farepipe's step binaries and
// operator CLI against a real MinIO and a real Elasticsearch node, started
// by hack/services.sh (make test does that). Each test names what it proves
// and works in its own key prefix and index prefix, so tests in parallel
// never see each other's data.
package integration
