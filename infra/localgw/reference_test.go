package localgw

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReferencePagesInBrowser opens the API reference pages of the local
// stack (the gateway serving every function in-process, as make run does)
// in headless Chromium, with no network beyond the stack: each page must
// render the document's operations (their operation ids appear in the
// DOM), and a screenshot of each is kept under .local/artifacts/ (printed).
// Without Chromium the test skips, and fails under CI=true (make test
// installs Debian's chromium package when it is missing).
func TestReferencePagesInBrowser(t *testing.T) {
	bin := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no chromium on PATH: make test installs it (apt-get install chromium)")
		}
		t.Skip("no chromium on PATH (apt-get install chromium; make test does)")
	}
	e := setup(t)
	dir, err := filepath.Abs(filepath.Join("..", "..", ".local", "artifacts"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, path string
		// what the rendered DOM holds: the page's own markers and
		// operation ids of the document.
		want []string
	}{
		// Swagger UI 5 renders its operations as a virtual list (only
		// those near the viewport are in the DOM): ask for the first
		// operations of the first tag (account); Redoc renders them all.
		{"swagger-ui", "/api/schema/swagger-ui/", []string{"swagger-ui", "delete_api_v1_account_devtest", "get_api_v1_account_devtest", "Tranche API"}},
		{"redoc", "/api/schema/redoc/", []string{"operation/get_api_offerings", "operation/post_api_investments", "Tranche API"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			url := e.srv.URL + c.path
			dom := chromium(t, bin, "--dump-dom", url)
			for _, w := range c.want {
				if !strings.Contains(dom, w) {
					t.Errorf("%s: the rendered page has no %q (%d bytes of DOM)", c.path, w, len(dom))
				}
			}
			shot := filepath.Join(dir, "reference-"+c.name+".png")
			_ = os.Remove(shot)
			chromium(t, bin, "--screenshot="+shot, "--window-size=1280,1600", url)
			if st, err := os.Stat(shot); err != nil || st.Size() < 10000 {
				t.Fatalf("no screenshot at %s: %v", shot, err)
			}
			t.Logf("screenshot: %s", shot)
		})
	}
}

// chromium runs headless Chromium on url with a virtual time budget long
// enough for the page to fetch the document and render it.
func chromium(t *testing.T, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	profile := t.TempDir()
	full := append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
		"--user-data-dir=" + profile, "--virtual-time-budget=20000", "--hide-scrollbars",
	}, args...)
	out, err := exec.CommandContext(ctx, bin, full...).Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("%s %v: %v\n%s", bin, args, err, stderr)
	}
	return string(out)
}
