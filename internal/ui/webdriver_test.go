package ui

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// A small client of the W3C WebDriver protocol
// (https://www.w3.org/TR/webdriver2/), enough to drive a headless
// Chromium through chromedriver: sessions, navigation, elements, script,
// window size and screenshots.

const (
	chromiumBin     = "/usr/bin/chromium"
	chromedriverBin = "chromedriver"
	// elementKey is the JSON key of a web element reference.
	elementKey = "element-6066-11e4-a52e-4f735466cecf"
)

// chromiumArgs keep Chromium headless and off the network: no updates,
// sync, field trials or first-run calls home.
var chromiumArgs = []string{"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
	"--disable-dev-shm-usage", "--window-size=1280,1000"}

// startChromedriver runs chromedriver on a free loopback port until the
// test ends and returns its base URL. Chromium is started by each session
// and ends with it; the process group of chromedriver is killed at the
// end in case a session was left behind.
func startChromedriver(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath(chromedriverBin)
	if err != nil {
		t.Fatalf("chromedriver not found (%v): install chromium and chromium-driver (hack/test.sh does)", err)
	}
	if _, err := os.Stat(chromiumBin); err != nil {
		t.Fatalf("chromium not found (%v): install chromium and chromium-driver (hack/test.sh does)", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	logPath := filepath.Join(t.TempDir(), "chromedriver.log")
	cmd := exec.Command(bin, "--port="+strconv.Itoa(port), "--log-path="+logPath)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting chromedriver: %v", err)
	}
	pid := cmd.Process.Pid
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-pid, syscall.SIGKILL)
			<-exited
		}
		if t.Failed() {
			if b, err := os.ReadFile(logPath); err == nil && len(b) > 0 {
				t.Logf("chromedriver log (last 4 KiB):\n%s", b[max(0, len(b)-4096):])
			}
		}
	})
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(20 * time.Second)
	for {
		var status struct {
			Ready bool `json:"ready"`
		}
		err := call(context.Background(), http.MethodGet, base+"/status", nil, &status)
		if err == nil && status.Ready {
			return base
		}
		select {
		case <-exited:
			t.Fatalf("chromedriver exited at start (log: %s)", logPath)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("chromedriver not ready on %s after 20s: %v", base, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// session is one browser session.
type session struct {
	t    *testing.T
	base string // http://127.0.0.1:PORT/session/ID
}

// newSession starts a headless Chromium; it is closed when the test ends.
func newSession(t *testing.T, driver string) *session {
	t.Helper()
	args := append([]string{"--user-data-dir=" + t.TempDir()}, chromiumArgs...)
	caps := map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"browserName":        "chrome",
		"pageLoadStrategy":   "normal",
		"goog:chromeOptions": map[string]any{"binary": chromiumBin, "args": args},
		"goog:loggingPrefs":  map[string]string{"browser": "ALL"},
	}}}
	var out struct {
		SessionID string `json:"sessionId"`
	}
	if err := call(context.Background(), http.MethodPost, driver+"/session", caps, &out); err != nil {
		t.Fatalf("starting a chromium session: %v", err)
	}
	s := &session{t: t, base: driver + "/session/" + out.SessionID}
	t.Cleanup(func() {
		if err := call(context.Background(), http.MethodDelete, s.base, nil, nil); err != nil {
			t.Logf("deleting the browser session: %v", err)
		}
	})
	return s
}

// do sends one command of the session and decodes its value into out.
func (s *session) do(method, path string, body, out any) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := call(ctx, method, s.base+path, body, out); err != nil {
		s.t.Fatalf("webdriver %s %s: %v", method, path, err)
	}
}

func (s *session) navigate(url string) {
	s.t.Helper()
	s.do(http.MethodPost, "/url", map[string]string{"url": url}, nil)
}

// element is a reference to an element of the page.
type element struct {
	s  *session
	id string
}

// find returns the first element matching the CSS selector, failing the
// test if there is none.
func (s *session) find(css string) element {
	s.t.Helper()
	var ref map[string]string
	s.do(http.MethodPost, "/element", map[string]string{"using": "css selector", "value": css}, &ref)
	return element{s: s, id: ref[elementKey]}
}

// findAll returns every element matching the CSS selector.
func (s *session) findAll(css string) []element {
	s.t.Helper()
	var refs []map[string]string
	s.do(http.MethodPost, "/elements", map[string]string{"using": "css selector", "value": css}, &refs)
	out := make([]element, len(refs))
	for i, r := range refs {
		out[i] = element{s: s, id: r[elementKey]}
	}
	return out
}

func (e element) click() {
	e.s.t.Helper()
	e.s.do(http.MethodPost, "/element/"+e.id+"/click", map[string]any{}, nil)
}

func (e element) clear() {
	e.s.t.Helper()
	e.s.do(http.MethodPost, "/element/"+e.id+"/clear", map[string]any{}, nil)
}

// sendKeys types text into the element; WebDriver key codes such as
// keyEnter may be part of it.
func (e element) sendKeys(text string) {
	e.s.t.Helper()
	e.s.do(http.MethodPost, "/element/"+e.id+"/value", map[string]string{"text": text}, nil)
}

// Key codes of the WebDriver specification.
const (
	keyEnter      = "\uE007"
	keyArrowRight = "\uE014"
	keyArrowDown  = "\uE015"
)

// text is the element's rendered text.
func (e element) text() string {
	e.s.t.Helper()
	var v string
	e.s.do(http.MethodGet, "/element/"+e.id+"/text", nil, &v)
	return v
}

// attr is the element's attribute name, "" when absent.
func (e element) attr(name string) string {
	e.s.t.Helper()
	var v *string
	e.s.do(http.MethodGet, "/element/"+e.id+"/attribute/"+name, nil, &v)
	if v == nil {
		return ""
	}
	return *v
}

// ref is how an element is passed to a script.
func (e element) ref() map[string]string { return map[string]string{elementKey: e.id} }

// exec runs a script's body in the page with args (elements as ref())
// and decodes what it returns into out.
func (s *session) exec(script string, out any, args ...any) {
	s.t.Helper()
	if args == nil {
		args = []any{}
	}
	s.do(http.MethodPost, "/execute/sync", map[string]any{"script": script, "args": args}, out)
}

// waitFor runs script until it returns true, failing the test after
// timeout with what.
func (s *session) waitFor(what, script string, timeout time.Duration) {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var ok bool
		s.exec(script, &ok)
		if ok {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("waiting %s for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *session) setWindowSize(width, height int) {
	s.t.Helper()
	s.do(http.MethodPost, "/window/rect", map[string]int{"width": width, "height": height}, nil)
}

// logEntry is one line of the browser's console.
type logEntry struct {
	Level   string `json:"level"`
	Source  string `json:"source"`
	Message string `json:"message"`
}

// browserLog returns the console lines since the last call (chromedriver's
// own command: W3C WebDriver has none).
func (s *session) browserLog() []logEntry {
	s.t.Helper()
	var entries []logEntry
	s.do(http.MethodPost, "/se/log", map[string]string{"type": "browser"}, &entries)
	return entries
}

// screenshot saves a PNG of the viewport as dir/name and returns its path.
func (s *session) screenshot(dir, name string) string {
	s.t.Helper()
	var b64 string
	s.do(http.MethodGet, "/screenshot", nil, &b64)
	png, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		s.t.Fatalf("decoding a screenshot: %v", err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		s.t.Fatal(err)
	}
	return p
}

// call sends one WebDriver request and decodes the "value" of its answer
// into out (when not nil). A WebDriver error becomes the error.
func call(ctx context.Context, method, url string, body, out any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var answer struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.NewDecoder(res.Body).Decode(&answer); err != nil {
		return fmt.Errorf("decoding the answer (%s): %w", res.Status, err)
	}
	if res.StatusCode != http.StatusOK {
		var e struct {
			Error   string `json:"error"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(answer.Value, &e)
		if e.Error == "" {
			return fmt.Errorf("%s: %s", res.Status, answer.Value)
		}
		return errors.New(e.Error + ": " + e.Message)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(answer.Value, out)
}
