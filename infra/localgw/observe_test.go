package localgw

import (
	"bufio"
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/tranche-dev/tranche/pkg/auth/sessiontest"
	"github.com/tranche-dev/tranche/pkg/httpapi"
)

// lockedBuffer is a log sink the gateway's goroutines may share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestRequestLog: every answer, the gateway's own and a function's, success
// and error, carries a request id; the function's log line for it has the
// id, the route pattern, the caller and the timing, and none of the
// credentials the client sent.
func TestRequestLog(t *testing.T) {
	e := setup(t)
	var logs lockedBuffer
	deps := e.deps
	deps.Log = slog.New(slog.NewJSONHandler(&logs, nil))
	g, err := New(deps)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g)
	defer srv.Close()
	key := e.keys["workspace"]
	bearer := "Bearer " + sessiontest.New(t).Token(t, "user_observed", "org_observed")

	for _, c := range []struct {
		name, path, authz string
		status            int
		logged            bool // a function answered (the gateway's 404 is not a function's)
	}{
		{"ok", "/api/offerings/", key, 200, true},
		{"not found in a function", "/api/offerings/999999/", key, 404, true},
		{"bad key", "/api/offerings/", "not-a-key", 401, true},
		{"bearer", "/api/offerings/", bearer, 0, true},
		{"no route", "/api/nothing-here/", key, 404, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", srv.URL+c.path, nil)
			req.Header.Set("Authorization", c.authz)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if c.status != 0 && resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, c.status)
			}
			id := resp.Header.Get(httpapi.RequestIDHeader)
			if id == "" {
				t.Fatalf("%d answer has no %s", resp.StatusCode, httpapi.RequestIDHeader)
			}
			line := findLine(t, logs.String(), id)
			if !c.logged {
				return
			}
			if line == nil {
				t.Fatalf("no log line with request_id %s in\n%s", id, logs.String())
			}
			want := map[string]any{"msg": "request", "level": "INFO", "function": "offerings", "method": "GET", "status": float64(resp.StatusCode)}
			for k, v := range want {
				if line[k] != v {
					t.Errorf("%s = %v, want %v", k, line[k], v)
				}
			}
			for _, k := range []string{"route", "duration_ms", "cold_start", "workspace", "actor"} {
				if _, ok := line[k]; !ok {
					t.Errorf("log line has no %s: %v", k, line)
				}
			}
			if c.name == "ok" {
				if line["route"] != "GET /api/offerings/{$}" || line["workspace"] == "" || !strings.HasPrefix(line["actor"].(string), "key:") {
					t.Errorf("route, workspace, actor = %v, %v, %v", line["route"], line["workspace"], line["actor"])
				}
			}
		})
	}
	all := logs.String()
	for _, secret := range []string{key, strings.TrimPrefix(bearer, "Bearer "), "not-a-key"} {
		if strings.Contains(all, secret) {
			t.Errorf("the logs hold a credential the client sent: %q", secret)
		}
	}
}

// findLine returns the JSON log line of a request id, or nil.
func findLine(t *testing.T, logs, id string) map[string]any {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(logs))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", sc.Text())
		}
		if m["request_id"] == id && m["msg"] == "request" {
			return m
		}
	}
	return nil
}
