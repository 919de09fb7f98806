// Package testenv gives integration tests the real backing services that
// hack/services.sh runs on loopback: MinIO for S3 and a single
// Elasticsearch 8 node.
//
// The services are found through environment variables, the ones
// `hack/services.sh env` prints. A test that needs them and does not find
// them fails with a message saying how to start them; it never skips, so a
// green run always means the integration tests ran.
//
// Tests share one MinIO bucket and one Elasticsearch node, also across
// packages that go test runs in parallel, so each test works under names of
// its own from Unique.
package testenv
