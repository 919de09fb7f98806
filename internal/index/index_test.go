package index

import (
	"testing"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/farepipe/farepipe/internal/fault"
	"github.com/farepipe/farepipe/internal/objstore"
)

func TestValidate(t *testing.T) {
	es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{"http://127.0.0.1:1"}})
	if err != nil {
		t.Fatal(err)
	}
	good := Config{ES: es, In: objstore.NewDir(t.TempDir()), InKey: "curated/x.ndjson.gz", Prefix: "farepipe",
		ChunkSize: DefaultChunkSize, MaxRetries: DefaultMaxRetries}
	tests := []struct {
		name string
		edit func(*Config)
		ok   bool
	}{
		{"good", func(*Config) {}, true},
		{"no retries", func(c *Config) { c.MaxRetries = 0 }, true},
		{"no client", func(c *Config) { c.ES = nil }, false},
		{"no input", func(c *Config) { c.InKey = "" }, false},
		{"no prefix", func(c *Config) { c.Prefix = "" }, false},
		{"chunk size 0", func(c *Config) { c.ChunkSize = 0 }, false},
		{"negative retries", func(c *Config) { c.MaxRetries = -1 }, false},
	}
	for _, tc := range tests {
		cfg := good
		tc.edit(&cfg)
		err := cfg.Validate()
		if (err == nil) != tc.ok {
			t.Errorf("Validate(%s) = %v, want ok %v", tc.name, err, tc.ok)
		}
		if err != nil && fault.ClassOf(err) != fault.Config {
			t.Errorf("Validate(%s) = %v, class %d, want fault.Config", tc.name, err, fault.ClassOf(err))
		}
	}
}
