//go:build e2e

package e2e

import "os"

func getenv(name string) string { return os.Getenv(name) }
