//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/farepipe/farepipe/internal/objstore"
	"github.com/farepipe/farepipe/internal/testenv"
)

// The names the manifests and hack/e2e.sh agree on.
const (
	namespace   = "argo"
	indexPrefix = "farepipe" // FAREPIPE_INDEX_PREFIX in the local farepipe-config
)

// suite is the Given/When/Then harness over the running stack.
type suite struct {
	t     *testing.T
	argo  string
	s3    testenv.S3Env
	store objstore.Store
	es    *elasticsearch.Client
	start time.Time // workflows created before belong to earlier tests or runs
}

func newSuite(t *testing.T) *suite {
	t.Helper()
	argo := os.Getenv("FAREPIPE_ARGO")
	if argo == "" || os.Getenv("KUBECONFIG") == "" {
		t.Fatal("e2e: KUBECONFIG and FAREPIPE_ARGO are not set; run make e2e (hack/e2e.sh)")
	}
	s3env := testenv.S3(t)
	store, err := objstore.NewS3(context.Background(), objstore.S3Config{Endpoint: s3env.Endpoint,
		Region: s3env.Region, PathStyle: true, Bucket: s3env.Bucket})
	if err != nil {
		t.Fatal(err)
	}
	es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{testenv.ES(t)}})
	if err != nil {
		t.Fatal(err)
	}
	s := &suite{t: t, argo: argo, s3: s3env, store: store, es: es,
		start: time.Now().Add(-time.Second).Truncate(time.Second)}
	s.notifyOnRaw()
	return s
}

// notifyOnRaw makes MinIO announce every object created under raw/ to the
// webhook target hack/e2e.sh configured (ARN arn:minio:sqs::FAREPIPE:webhook),
// as an operator would with mc event add.
func (s *suite) notifyOnRaw() {
	s.t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion(s.s3.Region))
	if err != nil {
		s.t.Fatal(err)
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(s.s3.Endpoint)
		o.UsePathStyle = true
	})
	_, err = client.PutBucketNotificationConfiguration(context.Background(), &s3.PutBucketNotificationConfigurationInput{
		Bucket: aws.String(s.s3.Bucket),
		NotificationConfiguration: &types.NotificationConfiguration{
			QueueConfigurations: []types.QueueConfiguration{{
				QueueArn: aws.String("arn:minio:sqs::FAREPIPE:webhook"),
				Events:   []types.Event{"s3:ObjectCreated:*"},
				Filter: &types.NotificationConfigurationFilter{Key: &types.S3KeyFilter{FilterRules: []types.FilterRule{
					{Name: types.FilterRuleNamePrefix, Value: aws.String("raw/")},
					{Name: types.FilterRuleNameSuffix, Value: aws.String(".ndjson.gz")},
				}}},
			}},
		},
	})
	if err != nil {
		s.t.Fatalf("configuring bucket notifications: %v", err)
	}
}

// run runs a command and returns its standard output, failing the test
// on a non-zero exit.
func (s *suite) run(name string, args ...string) string {
	s.t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		s.t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// workflow is the part of a Workflow the tests read.
type workflow struct {
	Metadata struct {
		Name              string            `json:"name"`
		Labels            map[string]string `json:"labels"`
		CreationTimestamp time.Time         `json:"creationTimestamp"`
	} `json:"metadata"`
	Spec struct {
		Arguments struct {
			Parameters []param `json:"parameters"`
		} `json:"arguments"`
		WorkflowTemplateRef *struct {
			Name string `json:"name"`
		} `json:"workflowTemplateRef"`
	} `json:"spec"`
	Status struct {
		Phase   string          `json:"phase"`
		Message string          `json:"message"`
		Nodes   map[string]node `json:"nodes"`
		Outputs *struct {
			Parameters []param `json:"parameters"`
		} `json:"outputs"`
	} `json:"status"`
}

type param struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type node struct {
	DisplayName  string `json:"displayName"`
	TemplateName string `json:"templateName"`
	Type         string `json:"type"`
	Phase        string `json:"phase"`
	Message      string `json:"message"`
	Outputs      *struct {
		Parameters []param `json:"parameters"`
		ExitCode   *string `json:"exitCode"`
	} `json:"outputs"`
}

func (w *workflow) param(name string) string {
	for _, p := range w.Spec.Arguments.Parameters {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

// pods returns the pod nodes of a template, in no particular order.
func (w *workflow) pods(template string) []node {
	var out []node
	for _, n := range w.Status.Nodes {
		if n.Type == "Pod" && n.TemplateName == template {
			out = append(out, n)
		}
	}
	return out
}

func outputs(ps []param) map[string]string {
	m := map[string]string{}
	for _, p := range ps {
		m[p.Name] = p.Value
	}
	return m
}

// submit submits a WorkflowTemplate with parameters, waits for it to end
// and returns it.
func (s *suite) submit(template string, params ...string) *workflow {
	s.t.Helper()
	return s.submitMayFail(false, template, params...)
}

// submitMayFail is submit for a workflow that may end Failed (mayFail),
// which makes argo submit --wait exit 1.
func (s *suite) submitMayFail(mayFail bool, template string, params ...string) *workflow {
	s.t.Helper()
	args := []string{"-n", namespace, "submit", "--from", "workflowtemplate/" + template, "--wait", "-o", "name"}
	for _, p := range params {
		args = append(args, "-p", p)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(s.argo, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	name := strings.TrimSpace(stdout.String())
	if (err != nil && !mayFail) || name == "" {
		s.t.Fatalf("argo %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return s.get(name[strings.LastIndex(name, "\n")+1:])
}

func (s *suite) get(name string) *workflow {
	s.t.Helper()
	var w workflow
	if err := json.Unmarshal([]byte(s.run(s.argo, "-n", namespace, "get", name, "-o", "json")), &w); err != nil {
		s.t.Fatalf("decoding workflow %s: %v", name, err)
	}
	return &w
}

// workflows lists the Workflows of a template.
func (s *suite) workflows(template string) []workflow {
	s.t.Helper()
	var list struct {
		Items []workflow `json:"items"`
	}
	out := s.run("kubectl", "-n", namespace, "get", "workflows", "-o", "json")
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		s.t.Fatal(err)
	}
	var ws []workflow
	for _, w := range list.Items {
		if w.Spec.WorkflowTemplateRef != nil && w.Spec.WorkflowTemplateRef.Name == template {
			ws = append(ws, w)
		}
	}
	return ws
}

// eventually polls cond every second until it holds or timeout passes.
func (s *suite) eventually(what string, timeout time.Duration, cond func() bool) {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			s.t.Fatalf("after %s: %s", timeout, what)
		}
		time.Sleep(time.Second)
	}
}

// ingestsOf returns the event-driven ingest workflows created during the
// test whose notification named the object key. Keys arrive URL-encoded in notifications; the file
// name part has no characters to encode, so it identifies the object.
func (s *suite) ingestsOf(key string) []workflow {
	base := path.Base(key)
	var out []workflow
	for _, w := range s.workflows("farepipe-ingest") {
		if !w.Metadata.CreationTimestamp.Before(s.start) && strings.Contains(w.param("event"), base) {
			out = append(out, w)
		}
	}
	return out
}

// succeeded returns the pods that succeeded: a pod that failed and was
// retried is left out.
func succeeded(pods []node) []node {
	var out []node
	for _, p := range pods {
		if p.Phase == "Succeeded" {
			out = append(out, p)
		}
	}
	return out
}

// indexedAll fails the test unless the ingest w succeeded with one
// successful index pod (after any retries) whose outputs show every
// observation indexed.
func (s *suite) indexedAll(w workflow) {
	s.t.Helper()
	if w.Status.Phase != "Succeeded" {
		s.t.Fatalf("ingest %s: %s %s", w.Metadata.Name, w.Status.Phase, w.Status.Message)
	}
	idx := succeeded(w.pods("index"))
	if len(idx) != 1 || !indexedAll(idx[0]) {
		s.t.Fatalf("ingest %s: successful index pods %+v, want one with every observation indexed", w.Metadata.Name, idx)
	}
}

// indexedAll reports whether the outputs of an index pod show observations
// read and none failed or dead-lettered: created on a fresh stack,
// duplicates when a kept stack indexed the same batch before.
func indexedAll(index node) bool {
	if index.Outputs == nil {
		return false
	}
	out := outputs(index.Outputs.Parameters)
	return out["read"] != "" && out["read"] != "0" && out["failed"] == "0" && out["dead_lettered"] == "0"
}

func done(ws []workflow) bool {
	for _, w := range ws {
		if w.Status.Phase != "Succeeded" && w.Status.Phase != "Failed" && w.Status.Phase != "Error" {
			return false
		}
	}
	return len(ws) > 0
}

// docs returns the _source of every document of a route in an index.
func (s *suite) docs(index, origin, destination string) []map[string]any {
	s.t.Helper()
	ignore := true
	res, err := esapi.IndicesRefreshRequest{Index: []string{index}, IgnoreUnavailable: &ignore, AllowNoIndices: &ignore}.Do(context.Background(), s.es)
	if err == nil {
		res.Body.Close()
	}
	q := fmt.Sprintf(`{"size":10000,"sort":[{"id":"asc"}],"query":{"bool":{"filter":[{"term":{"origin":%q}},{"term":{"destination":%q}}]}}}`, origin, destination)
	res, err = esapi.SearchRequest{Index: []string{index}, Body: strings.NewReader(q), IgnoreUnavailable: &ignore,
		AllowNoIndices: &ignore}.Do(context.Background(), s.es)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Hits struct {
			Hits []struct {
				Source map[string]any `json:"_source"`
			} `json:"hits"`
		} `json:"hits"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		s.t.Fatal(err)
	}
	var docs []map[string]any
	for _, h := range out.Hits.Hits {
		docs = append(docs, h.Source)
	}
	return docs
}

func (s *suite) latest(origin, destination string) []map[string]any {
	return s.docs(indexPrefix+"-latest", origin, destination)
}

func (s *suite) observations(origin, destination string) []map[string]any {
	return s.docs(indexPrefix+"-observations-*", origin, destination)
}
