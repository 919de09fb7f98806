// Package argocd holds the Argo CD manifests of farepipe (an AppProject and
// one Application per environment, after the Argo controllers'); its Go
// test checks them against the repository they point at.
package argocd
