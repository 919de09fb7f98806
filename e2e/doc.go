// Package e2e holds the end-to-end tests: the real manifests
// (deploy/overlays/local: workflows/, events/ and the query API) on a real
// single-node Kubernetes with the real Argo Workflows and Argo Events
// controllers, the step and API images built from this repository, MinIO,
// Elasticsearch and ElasticMQ, and README's commands run verbatim.
// hack/e2e.sh (make e2e) sets it all up with hack/cluster.sh up
// --with-farepipe and runs them with the build tag e2e.
package e2e
