package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/routes"
)

// Every path of the table, asked with a method none of its routes has,
// answers as its function's router does: 405 naming the path's methods
// in Allow; the unslashed path is a 301; an unknown path a 404.
func TestGatewayFallback(t *testing.T) {
	own := httpapi.NewRouter("schema")
	for _, r := range routes.ByFunction("schema") {
		own.HandleFunc(r.Key(), func(w http.ResponseWriter, _ *http.Request) error { w.WriteHeader(299); return nil })
	}
	h := httpapi.GatewayFallback("schema", own.Handler())
	methods := map[string][]string{}
	owner := map[string]string{}
	for _, r := range routes.All {
		if _, ok := owner[r.Path]; !ok {
			owner[r.Path] = r.Function
		}
		if owner[r.Path] == r.Function {
			methods[r.Path] = append(methods[r.Path], r.Method)
		}
	}
	for path, ms := range methods {
		concrete := strings.NewReplacer("{id}", "1", "{user_id}", "2", "{user}", "2", "{type}", "all", "{token}", "tok", "{file}", "f.js").Replace(path)
		if strings.Contains(concrete, "{") {
			t.Fatalf("%s: a wildcard this test does not fill", path)
		}
		unused := ""
		for _, m := range []string{"PUT", "DELETE", "PATCH", "POST", "GET"} {
			if !slices.Contains(ms, m) {
				unused = m
				break
			}
		}
		if unused == "" {
			continue
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(unused, concrete, nil))
		allow := rec.Header().Get("Allow")
		if rec.Code != 405 || !strings.Contains(allow, ms[0]) || !strings.Contains(rec.Body.String(), "not allowed") {
			t.Errorf("%s %s: %d Allow=%q %s", unused, concrete, rec.Code, allow, rec.Body)
		}
		if strings.HasSuffix(concrete, "/") {
			rec = httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(ms[0], strings.TrimSuffix(concrete, "/"), nil))
			if rec.Code != 301 || rec.Header().Get("Location") != concrete {
				t.Errorf("%s %s without the slash: %d %q", ms[0], concrete, rec.Code, rec.Header().Get("Location"))
			}
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/nothing-here/", nil))
	if rec.Code != 404 || !strings.Contains(rec.Body.String(), "Not found.") {
		t.Errorf("unknown path: %d %s", rec.Code, rec.Body)
	}
	// The own function's routes reach its real handler.
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/schema/", nil))
	if rec.Code != 299 {
		t.Errorf("the own function's route: %d", rec.Code)
	}
}
