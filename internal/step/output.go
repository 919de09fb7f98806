package step

import (
	"fmt"
	"os"
	"path/filepath"
)

// Outputs writes Argo output parameters: one file per parameter in a
// directory (the WorkflowTemplate reads them with valueFrom.path). With no
// directory it does nothing.
type Outputs struct {
	Dir string
}

// Set writes one parameter.
func (o Outputs) Set(name, value string) error {
	if o.Dir == "" {
		return nil
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return fmt.Errorf("creating output dir %s: %w", o.Dir, err)
	}
	path := filepath.Join(o.Dir, name)
	if err := os.WriteFile(path, []byte(value), 0o644); err != nil {
		return fmt.Errorf("writing output parameter %s: %w", path, err)
	}
	return nil
}

// SetAll writes several parameters, stopping at the first error.
func (o Outputs) SetAll(params map[string]string) error {
	for k, v := range params {
		if err := o.Set(k, v); err != nil {
			return err
		}
	}
	return nil
}
