package esindex

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"
)

// TemplateVersion is the version of the index templates this code writes.
// Raise it with any mapping change; EnsureTemplates replaces a template
// whose stored version is lower.
const TemplateVersion = 3

// ObservationsIndex names the change-log index an observation belongs to:
// one index per month of observed_at, "<prefix>-observations-2027.01".
// An observation always maps to the same index, so create-only writes
// detect it as a duplicate wherever and however often it is indexed.
func ObservationsIndex(prefix string, observedAt time.Time) string {
	t := observedAt.UTC()
	y, m, _ := t.Date()
	if y < 0 || y > 9999 {
		return prefix + "-observations-" + t.Format("2006.01")
	}
	b := make([]byte, 0, len(prefix)+len("-observations-2006.01"))
	b = append(append(b, prefix...), "-observations-"...)
	b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '.',
		byte('0'+m/10), byte('0'+m%10))
	return string(b)
}

// ObservationsPattern matches every change-log index of a prefix.
func ObservationsPattern(prefix string) string { return prefix + "-observations-*" }

// LatestIndex names the index of latest documents, one per series.
func LatestIndex(prefix string) string { return prefix + "-latest" }

// changeLogSettings keep the record of a deleted change point (see
// esindex's doc) for two hours, longer than any step runs, so that a
// write of an older generation arriving late cannot bring it back.
const changeLogSettings = `"index.gc_deletes": "2h"`

// template renders a composable index template. Mappings are strict: a
// document with an unknown field is rejected, not silently widened.
func template(pattern, fields, settings string) []byte {
	if settings != "" {
		settings = ", " + settings
	}
	return []byte(`{
  "index_patterns": [` + strconv.Quote(pattern) + `],
  "priority": 200,
  "version": ` + strconv.Itoa(TemplateVersion) + `,
  "_meta": {"managed_by": "farepipe"},
  "template": {
    "settings": {"number_of_shards": 1, "auto_expand_replicas": "0-1"` + settings + `},
    "mappings": {"dynamic": "strict", "properties": {` + fields + `}}
  }
}`)
}

// EnsureTemplates creates or upgrades the index templates of the prefix: one
// for the change-log indices and one for the latest index. It leaves a
// template alone when its stored version is at least TemplateVersion.
func EnsureTemplates(ctx context.Context, es esapi.Transport, prefix string) error {
	templates := []struct{ name, pattern, fields, settings string }{
		{prefix + "-observations", ObservationsPattern(prefix), properties(observationFields), changeLogSettings},
		{prefix + "-latest", LatestIndex(prefix), properties(latestFields), ""},
	}
	for _, t := range templates {
		v, err := templateVersion(ctx, es, t.name)
		if err != nil {
			return err
		}
		if v >= TemplateVersion {
			continue
		}
		req := esapi.IndicesPutIndexTemplateRequest{Name: t.name, Body: bytes.NewReader(template(t.pattern, t.fields, t.settings))}
		if err := send(ctx, es, req, "putting index template "+t.name); err != nil {
			return err
		}
		if v == 0 {
			continue // new: no index made by an older template
		}
		// Indices the older template made take the fields and settings
		// this code needs.
		ignore := true
		added := properties(passengerFields)
		if t.settings == "" {
			added = properties(passengerFields, historyFields, breakdownFields)
		}
		mreq := esapi.IndicesPutMappingRequest{Index: []string{t.pattern}, AllowNoIndices: &ignore,
			IgnoreUnavailable: &ignore, Body: strings.NewReader(`{"properties":{` + added + `}}`)}
		if err := send(ctx, es, mreq, "adding fields to "+t.pattern); err != nil {
			return err
		}
		if t.settings == "" {
			continue
		}
		sreq := esapi.IndicesPutSettingsRequest{Index: []string{t.pattern}, AllowNoIndices: &ignore,
			IgnoreUnavailable: &ignore, Body: strings.NewReader(`{` + t.settings + `}`)}
		if err := send(ctx, es, sreq, "setting "+t.pattern); err != nil {
			return err
		}
	}
	return nil
}

// send sends req and returns its error answer, if any, as a *StatusError.
func send(ctx context.Context, es esapi.Transport, req esapi.Request, what string) error {
	res, err := req.Do(ctx, es)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := responseError(res); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// templateVersion returns the stored version of a template, 0 when absent.
func templateVersion(ctx context.Context, es esapi.Transport, name string) (int, error) {
	res, err := esapi.IndicesGetIndexTemplateRequest{Name: name}.Do(ctx, es)
	if err != nil {
		return 0, fmt.Errorf("getting index template %s: %w", name, err)
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusNotFound {
		_, _ = io.Copy(io.Discard, res.Body)
		return 0, nil
	}
	if res.IsError() {
		return 0, fmt.Errorf("getting index template %s: %w", name, responseError(res))
	}
	var body struct {
		IndexTemplates []struct {
			IndexTemplate struct {
				Version int `json:"version"`
			} `json:"index_template"`
		} `json:"index_templates"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		return 0, fmt.Errorf("decoding index template %s: %w", name, err)
	}
	if len(body.IndexTemplates) == 0 {
		return 0, nil
	}
	return body.IndexTemplates[0].IndexTemplate.Version, nil
}

// StatusError is an error answer of Elasticsearch.
type StatusError struct {
	Status int
	Type   string
	Reason string
}

func (e *StatusError) Error() string {
	if e.Type == "" {
		return "HTTP " + strconv.Itoa(e.Status)
	}
	return fmt.Sprintf("HTTP %d %s: %s", e.Status, e.Type, e.Reason)
}

// Retryable reports whether the request may succeed when sent again.
func (e *StatusError) Retryable() bool { return retryableStatus(e.Status) }

// responseError reads and closes the body of res and returns a *StatusError
// for an error status, nil otherwise.
func responseError(res *esapi.Response) error {
	defer res.Body.Close()
	if !res.IsError() {
		_, _ = io.Copy(io.Discard, res.Body)
		return nil
	}
	return ReadError(res.StatusCode, res.Body)
}

// ReadError reads the body of an error answer of status (at most its
// first 64 KiB) into a StatusError with Elasticsearch's type and reason.
func ReadError(status int, body io.Reader) *StatusError {
	var answer struct {
		Error struct {
			Type   string `json:"type"`
			Reason string `json:"reason"`
		} `json:"error"`
	}
	_ = json.NewDecoder(io.LimitReader(body, 64<<10)).Decode(&answer)
	return &StatusError{Status: status, Type: answer.Error.Type, Reason: answer.Error.Reason}
}
