//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// prometheus is a real Prometheus server (Debian's prometheus package,
// which hack/e2e.sh installs) that this test started on 127.0.0.1, loading
// deploy/monitoring/rules.yaml as it is.
type prometheus struct {
	t   *testing.T
	url string
	sd  map[string]string // job: its file_sd file
}

// The scrape jobs of promConfig, one per kind of target.
const (
	jobAPI        = "farepipe-api"
	jobController = "workflow-controller"
)

// promConfig scrapes every pod of the farepipe-api Deployment and the
// workflow controller (a counter is per pod, so pods are scraped one by
// one, never through the Service). Debian's Prometheus is built without
// Kubernetes discovery: the test lists the pods with kubectl and hands
// them over in file_sd files (see discover). The node is this machine:
// pod addresses are reachable from here as the Service addresses the
// other tests use. The controller serves its metrics over TLS with a
// self-signed certificate. Scrapes and rule evaluations are every two
// seconds so that an alert pends within the test.
const promConfig = `global:
  scrape_interval: 2s
  scrape_timeout: 2s
  evaluation_interval: 2s
rule_files:
  - %[1]q
scrape_configs:
  - job_name: ` + jobAPI + `
    file_sd_configs:
      - files: [%[2]q]
        refresh_interval: 2s
  - job_name: ` + jobController + `
    scheme: https
    tls_config:
      insecure_skip_verify: true
    file_sd_configs:
      - files: [%[3]q]
        refresh_interval: 2s
`

// scrapedPods are the pods of each job: a label selector and the name of
// the container port that serves /metrics.
var scrapedPods = map[string]struct{ selector, port string }{
	jobAPI:        {"app.kubernetes.io/name=farepipe,app.kubernetes.io/component=api", "http"},
	jobController: {"app=workflow-controller", "metrics"},
}

// startPrometheus starts Prometheus on a free loopback port with its data
// in the test's temporary directory and waits until it is ready. It is
// stopped, by its process id, when the test ends; its log is printed if
// the test failed.
func startPrometheus(t *testing.T) *prometheus {
	t.Helper()
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		t.Fatal("e2e: prometheus not found; hack/e2e.sh installs it (Debian: apt-get install prometheus)")
	}
	rules, err := filepath.Abs("../deploy/monitoring/rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "prometheus.yml")
	sd := map[string]string{jobAPI: filepath.Join(dir, jobAPI+".json"), jobController: filepath.Join(dir, jobController+".json")}
	if err := os.WriteFile(cfg, fmt.Appendf(nil, promConfig, rules, sd[jobAPI], sd[jobController]), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	p := &prometheus{t: t, url: "http://" + addr, sd: sd}
	p.discover()
	logPath := filepath.Join(dir, "prometheus.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--config.file="+cfg, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		logFile.Close()
		t.Fatalf("starting %s: %v", bin, err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		logFile.Close()
		if t.Failed() {
			if b, err := os.ReadFile(logPath); err == nil {
				t.Logf("prometheus log:\n%s", tail(string(b), 40))
			}
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(p.url + "/-/ready")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case <-exited:
			b, _ := os.ReadFile(logPath)
			t.Fatalf("prometheus exited at start:\n%s", tail(string(b), 40))
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("prometheus on %s not ready after 30s", addr)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// discover writes the file_sd file of each job with the running pods its
// selector finds, as Kubernetes discovery would; Prometheus reads the files
// again within two seconds.
func (p *prometheus) discover() {
	p.t.Helper()
	for job, sel := range scrapedPods {
		out, err := exec.Command("kubectl", "-n", namespace, "get", "pods", "-l", sel.selector, "-o", "json").Output()
		if err != nil {
			p.t.Fatalf("listing the pods of %s: %v", job, err)
		}
		var pods struct {
			Items []struct {
				Metadata struct {
					Name string `json:"name"`
				} `json:"metadata"`
				Spec struct {
					Containers []struct {
						Ports []struct {
							Name          string `json:"name"`
							ContainerPort int    `json:"containerPort"`
						} `json:"ports"`
					} `json:"containers"`
				} `json:"spec"`
				Status struct {
					Phase string `json:"phase"`
					PodIP string `json:"podIP"`
				} `json:"status"`
			} `json:"items"`
		}
		if err := json.Unmarshal(out, &pods); err != nil {
			p.t.Fatalf("decoding the pods of %s: %v", job, err)
		}
		type group struct {
			Targets []string          `json:"targets"`
			Labels  map[string]string `json:"labels"`
		}
		groups := []group{}
		for _, pod := range pods.Items {
			if pod.Status.Phase != "Running" || pod.Status.PodIP == "" {
				continue
			}
			for _, c := range pod.Spec.Containers {
				for _, port := range c.Ports {
					if port.Name == sel.port {
						groups = append(groups, group{Targets: []string{net.JoinHostPort(pod.Status.PodIP, strconv.Itoa(port.ContainerPort))},
							Labels: map[string]string{"namespace": namespace, "pod": pod.Metadata.Name}})
					}
				}
			}
		}
		b, _ := json.Marshal(groups)
		tmp := p.sd[job] + ".tmp"
		if err := os.WriteFile(tmp, b, 0o644); err != nil {
			p.t.Fatal(err)
		}
		if err := os.Rename(tmp, p.sd[job]); err != nil {
			p.t.Fatal(err)
		}
	}
}

// freeAddr returns a loopback address with a port nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// get decodes the data of an answer of Prometheus' HTTP API into out.
func (p *prometheus) get(path string, out any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.url+path, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	defer res.Body.Close()
	var body struct {
		Status string          `json:"status"`
		Error  string          `json:"error"`
		Data   json.RawMessage `json:"data"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		return fmt.Errorf("GET %s: %s: decoding: %w", path, res.Status, err)
	}
	if body.Status != "success" {
		return fmt.Errorf("GET %s: %s: %s", path, res.Status, body.Error)
	}
	return json.Unmarshal(body.Data, out)
}

// promTarget is an active target of /api/v1/targets.
type promTarget struct {
	Labels    map[string]string `json:"labels"`
	ScrapeURL string            `json:"scrapeUrl"`
	Health    string            `json:"health"`
	LastError string            `json:"lastError"`
}

func (p *prometheus) targets() []promTarget {
	p.t.Helper()
	var data struct {
		ActiveTargets []promTarget `json:"activeTargets"`
	}
	if err := p.get("/api/v1/targets?state=active", &data); err != nil {
		p.t.Fatal(err)
	}
	return data.ActiveTargets
}

// promRule is an alerting rule of /api/v1/rules.
type promRule struct {
	Name      string `json:"name"`
	Query     string `json:"query"`
	State     string `json:"state"`  // inactive, pending or firing
	Health    string `json:"health"` // ok, err or unknown (not evaluated yet)
	LastError string `json:"lastError"`
}

func (p *prometheus) alertingRules() []promRule {
	p.t.Helper()
	var data struct {
		Groups []struct {
			File  string     `json:"file"`
			Rules []promRule `json:"rules"`
		} `json:"groups"`
	}
	if err := p.get("/api/v1/rules?type=alert", &data); err != nil {
		p.t.Fatal(err)
	}
	var out []promRule
	for _, g := range data.Groups {
		out = append(out, g.Rules...)
	}
	return out
}

// promAlert is an active alert of /api/v1/alerts.
type promAlert struct {
	Labels   map[string]string `json:"labels"`
	State    string            `json:"state"` // pending or firing
	ActiveAt time.Time         `json:"activeAt"`
	Value    string            `json:"value"`
}

func (p *prometheus) alerts() []promAlert {
	p.t.Helper()
	var data struct {
		Alerts []promAlert `json:"alerts"`
	}
	if err := p.get("/api/v1/alerts", &data); err != nil {
		p.t.Fatal(err)
	}
	return data.Alerts
}

// value returns the value of an instant query that answers one sample or
// none (then 0).
func (p *prometheus) value(query string) float64 {
	p.t.Helper()
	var data struct {
		ResultType string `json:"resultType"`
		Result     []struct {
			Metric map[string]string `json:"metric"`
			Value  [2]any            `json:"value"`
		} `json:"result"`
	}
	if err := p.get("/api/v1/query?query="+url.QueryEscape(query), &data); err != nil {
		p.t.Fatal(err)
	}
	switch len(data.Result) {
	case 0:
		return 0
	case 1:
		s, _ := data.Result[0].Value[1].(string)
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			p.t.Fatalf("query %s: value %v: %v", query, data.Result[0].Value[1], err)
		}
		return v
	default:
		p.t.Fatalf("query %s: %d samples, want one (aggregate it)", query, len(data.Result))
		return 0
	}
}
