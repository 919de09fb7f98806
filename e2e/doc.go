// Package e2e holds the end-to-end tests: the real manifests of workflows/
// and events/ on a real single-node Kubernetes with the real Argo
// Workflows and Argo Events controllers, the step images built from this
// repository, MinIO and Elasticsearch. hack/e2e.sh (make e2e) sets it all up
// and runs them with the build tag e2e.
package e2e
