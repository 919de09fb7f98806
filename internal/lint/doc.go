// Package lint checks farepipe's Kubernetes manifests (Argo Workflows,
// Argo Events, RBAC, ConfigMaps, Secrets and the query API's Deployment,
// Service, PodDisruptionBudget, HorizontalPodAutoscaler and
// NetworkPolicy) before they reach a cluster.
//
// Every document of every file is decoded strictly into its Go type
// (argo-workflows' wfv1, argo-events' v1alpha1, k8s.io/api), so a
// misspelt or misplaced field is an error, not a silently ignored key.
// WorkflowTemplates, CronWorkflows and Workflows (including the Workflows
// Sensors submit) then go through Argo Workflows' own validation, with
// the linted WorkflowTemplates as the cluster's, so templateRefs and
// workflowTemplateRefs between files resolve. Argo Events' Sensor
// validation cannot be linked here, so Sensors, EventSources and
// EventBuses get checks of this package's own, including the references
// between them.
//
// On top come farepipe's rules: each container template retries exit code
// 1 only, has a deadline, resource requests and limits, the restricted
// security context and an explicit command; each WorkflowTemplate has a
// ttlStrategy and podGC; no CronWorkflow lets runs overlap; no literal
// secret is in a manifest; a file is named after the resource in it and is
// listed by its directory's kustomization.yaml. A fetch fanned out with
// --shard INDEX/COUNT takes COUNT from a withSequence count of the same
// spec, INDEX from the item (not a literal), and has INDEX in its
// --checkpoint key and --stage prefix, so each shard keeps a checkpoint
// and staged parts of its own. A
// Deployment has both probes, requests and a memory limit, and a
// non-root, read-only, seccomp-confined container.
//
// Each overlay (a kustomization in a directory named overlays, such as
// deploy/overlays/local) is rendered with kustomize's Go API (krusty), as
// kubectl apply -k renders it, and its output is linted as one set, so
// what a patch removes or breaks is found too.
//
// Findings carry the file and the line of the offending field.
package lint
