package httpapi

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/tranche-dev/tranche/pkg/emf"
	"github.com/tranche-dev/tranche/pkg/routes"
)

// observed is a wrapped router of a made-up function whose routes succeed,
// fail with a 500 and panic, with its logs and metrics in buffers.
func observed(t *testing.T) (http.Handler, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	saved := routes.All
	t.Cleanup(func() { routes.All = saved })
	routes.All = []routes.Route{
		{Function: "things", Method: "GET", Path: "/api/things/{id}/"},
		{Function: "things", Method: "GET", Path: "/api/things/broken/"},
		{Function: "things", Method: "GET", Path: "/api/things/panics/"},
	}
	rt := NewRouter("things")
	rt.Use(func(_ routes.Route, h http.Handler) http.Handler {
		// What authentication does: the caller becomes known below Wrap.
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			SetCaller(r.Context(), "7", "key:abc")
			h.ServeHTTP(w, r)
		})
	})
	rt.HandleFunc("GET /api/things/{id}/", func(w http.ResponseWriter, r *http.Request) error {
		emf.Add(r.Context(), "ThingsSeen", 1) // as a handler counts what it did
		return JSON(w, 200, map[string]string{"id": r.PathValue("id")})
	})
	rt.HandleFunc("GET /api/things/broken/", func(http.ResponseWriter, *http.Request) error {
		return errors.New("the table is on fire")
	})
	rt.HandleFunc("GET /api/things/panics/", func(http.ResponseWriter, *http.Request) error {
		panic("boom")
	})
	var logs, metrics bytes.Buffer
	h := Wrap(rt.Handler(), slog.New(slog.NewJSONHandler(&logs, nil)), WithMetrics(&metrics))
	return h, &logs, &metrics
}

func jsonLines(t *testing.T, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("not a JSON line: %q", sc.Text())
		}
		out = append(out, m)
	}
	return out
}

// TestWrapObserves: every answer (200, 404, 405, 500, a panic) carries a
// generated request id, which its one request log line repeats with the
// function, route pattern, status, caller and cold start; the EMF line
// counts the 4xx and 5xx per function and route.
func TestWrapObserves(t *testing.T) {
	h, logs, metrics := observed(t)
	for i, c := range []struct {
		method, target string
		status         int
		route          string
	}{
		{"GET", "/api/things/7/", 200, "GET /api/things/{id}/{$}"},
		{"GET", "/api/nothing/", 404, ""},
		{"POST", "/api/things/7/", 405, ""},
		{"GET", "/api/things/broken/", 500, "GET /api/things/broken/{$}"},
		{"GET", "/api/things/panics/", 500, "GET /api/things/panics/{$}"},
	} {
		logs.Reset()
		metrics.Reset()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(c.method, c.target, nil))
		if rec.Code != c.status {
			t.Fatalf("%s %s: %d, want %d", c.method, c.target, rec.Code, c.status)
		}
		id := rec.Header().Get(RequestIDHeader)
		if id == "" {
			t.Errorf("%s %s: no %s on the %d", c.method, c.target, RequestIDHeader, c.status)
		}
		var line map[string]any
		for _, l := range jsonLines(t, logs.String()) {
			if l["msg"] == "request" {
				if line != nil {
					t.Errorf("%s %s: two request lines", c.method, c.target)
				}
				line = l
			}
		}
		if line == nil {
			t.Fatalf("%s %s: no request line in %s", c.method, c.target, logs)
		}
		want := map[string]any{"request_id": id, "route": c.route, "method": c.method, "status": float64(c.status), "cold_start": i == 0}
		if c.route != "" {
			want["function"], want["workspace"], want["actor"] = "things", "7", "key:abc"
		}
		for k, v := range want {
			if line[k] != v {
				t.Errorf("%s %s: log %s = %v, want %v", c.method, c.target, k, line[k], v)
			}
		}
		if _, ok := line["duration_ms"].(float64); !ok {
			t.Errorf("%s %s: no duration_ms", c.method, c.target)
		}
		ms := jsonLines(t, metrics.String())
		if len(ms) != 1 {
			t.Fatalf("%s %s: %d metrics lines, want 1", c.method, c.target, len(ms))
		}
		m := ms[0]
		aws, _ := m["_aws"].(map[string]any)
		if aws == nil || m[MetricRequests] != 1.0 {
			t.Fatalf("%s %s: not an EMF request line: %v", c.method, c.target, m)
		}
		wantErr := map[string]float64{MetricClientErrors: 0, MetricServerErrors: 0}
		if c.status >= 500 {
			wantErr[MetricServerErrors] = 1
		} else if c.status >= 400 {
			wantErr[MetricClientErrors] = 1
		}
		for k, v := range wantErr {
			if m[k] != v {
				t.Errorf("%s %s: %s = %v, want %v", c.method, c.target, k, m[k], v)
			}
		}
		if c.route != "" && (m["Route"] != c.route || m["Function"] != "things") {
			t.Errorf("%s %s: dimensions %v/%v", c.method, c.target, m["Function"], m["Route"])
		}
		b, _ := json.Marshal(aws["CloudWatchMetrics"])
		counted := strings.Contains(string(b), `"Name":"ThingsSeen"`) && m["ThingsSeen"] == 1.0
		if counted != (c.status == 200) {
			t.Errorf("%s %s: the handler's count in the line: %v (%s)", c.method, c.target, counted, metrics)
		}
	}
}

// TestWrapUsesGatewayRequestID: on AWS the id is API Gateway's, read from
// the event through the adapter, so it matches API Gateway's access logs.
func TestWrapUsesGatewayRequestID(t *testing.T) {
	h, logs, _ := observed(t)
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RawPath: "/api/things/broken/",
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RequestID: "gw-req-123", Stage: "$default",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: "/api/things/broken/"},
		},
	}
	resp, err := httpadapter.NewV2(h).ProxyWithContext(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 500 || resp.Headers[RequestIDHeader] != "gw-req-123" {
		t.Errorf("status %d, headers %v", resp.StatusCode, resp.Headers)
	}
	if !strings.Contains(logs.String(), `"request_id":"gw-req-123"`) {
		t.Errorf("the log does not carry API Gateway's id: %s", logs)
	}
}
