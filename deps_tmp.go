//go:build tools

package main

import (
	_ "github.com/argoproj/argo-events/pkg/apis/events/v1alpha1"
	_ "github.com/argoproj/argo-workflows/v3/pkg/apis/workflow/v1alpha1"
	_ "github.com/argoproj/argo-workflows/v3/workflow/validate"
	_ "github.com/google/go-containerregistry/pkg/v1/mutate"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "sigs.k8s.io/yaml"
)
