package schema

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/routes"
)

func newHandler() http.Handler {
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	return httpapi.Wrap(NewHandler(app.Deps{Log: logger}), logger)
}

func get(t *testing.T, h http.Handler, target string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// load parses and validates a served document with kin-openapi.
func load(t *testing.T, body []byte) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(body)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("validate: %v", err)
	}
	return doc
}

func TestDocumentHasEveryRoute(t *testing.T) {
	h := newHandler()
	for _, tc := range []struct {
		name   string
		target string
		header map[string]string
		media  string
	}{
		{"yaml by default", "/api/schema/", nil, MediaYAML},
		{"json by format", "/api/schema/?format=json", nil, MediaJSON},
		{"json by accept", "/api/schema/", map[string]string{"Accept": MediaJSON}, MediaJSON},
		{"yaml by format", "/api/schema/?format=yaml&lang=de", map[string]string{"Accept": MediaJSON}, MediaYAML},
		{"lang ignored", "/api/schema/?lang=fr", nil, MediaYAML},
		{"accept q-values", "/api/schema/", map[string]string{"Accept": "application/vnd.oai.openapi;q=0.5, application/json"}, MediaJSONPlain},
		{"accept anything", "/api/schema/", map[string]string{"Accept": "*/*"}, MediaYAML},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := get(t, h, tc.target, tc.header)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			media, _, err := mime.ParseMediaType(rec.Header().Get("Content-Type"))
			if err != nil || media != tc.media {
				t.Fatalf("Content-Type %q, want %s", rec.Header().Get("Content-Type"), tc.media)
			}
			body := rec.Body.Bytes()
			isJSON := json.Valid(body)
			if wantJSON := strings.HasSuffix(tc.media, "json"); isJSON != wantJSON {
				t.Fatalf("body is JSON: %v, want %v", isJSON, wantJSON)
			}
			doc := load(t, body)
			for _, r := range routes.All {
				item := doc.Paths.Find(r.Path)
				if item == nil || item.GetOperation(r.Method) == nil {
					t.Errorf("%s missing", r.Key())
					continue
				}
				op := item.GetOperation(r.Method)
				for _, m := range pathParam.FindAllStringSubmatch(r.Path, -1) {
					if op.Parameters.GetByInAndName("path", m[1]) == nil {
						t.Errorf("%s: no path parameter %s", r.Key(), m[1])
					}
				}
				if op.Security == nil {
					t.Errorf("%s: no security requirement", r.Key())
				} else if (len(*op.Security) == 0) != (r.Auth == routes.AuthNone) {
					t.Errorf("%s: security %v for auth %s", r.Key(), *op.Security, r.Auth)
				}
				if r.Auth != routes.AuthNone && op.Responses.Status(401) == nil {
					t.Errorf("%s: no 401", r.Key())
				}
				if op.Responses.Status(404) == nil {
					t.Errorf("%s: no 404", r.Key())
				}
			}
			// Nothing but the table's routes.
			n := 0
			for _, item := range doc.Paths.Map() {
				n += len(item.Operations())
			}
			if n != len(routes.All) {
				t.Errorf("%d operations, want %d", n, len(routes.All))
			}
			for _, name := range []string{SchemeAPIKey, SchemeJWT, SchemeSvix} {
				if doc.Components.SecuritySchemes[name] == nil {
					t.Errorf("no security scheme %s", name)
				}
			}
		})
	}
}

func TestListParams(t *testing.T) {
	doc := load(t, get(t, newHandler(), "/api/schema/?format=json", nil).Body.Bytes())
	op := doc.Paths.Find("/api/investments/").Get
	for _, name := range []string{"page", "page_size", "ordering", "search"} {
		if op.Parameters.GetByInAndName("query", name) == nil {
			t.Errorf("GET /api/investments/: no %s", name)
		}
	}
	if ref := op.Responses.Status(200).Value.Content.Get("application/json").Schema.Ref; ref != "#/components/schemas/PaginatedInvestmentViewList" {
		t.Errorf("list response %q", ref)
	}
	inv := doc.Components.Schemas["InvestmentView"]
	if inv == nil || inv.Value.Properties["amount"] == nil || inv.Value.Properties["amount"].Value.Pattern == "" {
		t.Error("InvestmentView has no typed amount")
	}
	if doc.Paths.Find("/api/investments/values/").Get.Parameters.GetByInAndName("query", "field") == nil {
		t.Error("values route has no field parameter")
	}
	if p := doc.Paths.Find("/api/offerings/{id}/").Get.Parameters.GetByInAndName("path", "id"); p == nil || !p.Schema.Value.Type.Is("integer") {
		t.Error("offering id is not an integer path parameter")
	}
	ve := doc.Components.Schemas["ValidationError"].Value
	if ve.AdditionalProperties.Schema == nil || ve.Properties["non_field_errors"] == nil {
		t.Error("ValidationError is not DRF's field-error object")
	}
	if e := doc.Components.Schemas["Error"].Value; e.Properties["detail"] == nil {
		t.Error("Error has no detail")
	}
}

type filterSet struct{ names []string }

func (f filterSet) OpenAPIParams() []Param {
	var out []Param
	for _, n := range f.names {
		out = append(out, Param{Name: n, Description: "filter " + n})
	}
	return out
}

func TestRegister(t *testing.T) {
	key := "GET /api/investments/"
	Register(key, filterSet{[]string{"amount__gte", "status__in", "search"}})
	t.Cleanup(func() {
		registry.Lock()
		delete(registry.sources, key)
		registry.Unlock()
	})
	doc := load(t, get(t, newHandler(), "/api/schema/?format=json", nil).Body.Bytes())
	params := doc.Paths.Find("/api/investments/").Get.Parameters
	for _, name := range []string{"amount__gte", "status__in", "page"} {
		if params.GetByInAndName("query", name) == nil {
			t.Errorf("no %s", name)
		}
	}
	if p := params.GetByInAndName("query", "search"); p == nil || p.Description != "filter search" {
		t.Error("a registered parameter does not replace the built-in one")
	}
	defer func() {
		if recover() == nil {
			t.Error("Register accepted a route the table lacks")
		}
	}()
	RegisterParams("GET /api/nowhere/", Param{Name: "x"})
}

func TestErrors(t *testing.T) {
	h := newHandler()
	rec := get(t, h, "/api/schema/?format=xml", nil)
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), `"detail"`) {
		t.Errorf("unknown format: %d %s", rec.Code, rec.Body)
	}
	req := httptest.NewRequest(http.MethodPost, "/api/schema/", nil)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", rec.Code)
	}
}

// TestEvent feeds events/schema-get.json through the Lambda adapter, as
// the schema function runs on AWS.
func TestEvent(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "events", "schema-get.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatal(err)
	}
	resp, err := httpadapter.NewV2(newHandler()).ProxyWithContext(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Headers["Content-Type"] != MediaJSON {
		t.Fatalf("status %d, Content-Type %q", resp.StatusCode, resp.Headers["Content-Type"])
	}
	load(t, []byte(resp.Body))
}

// BenchmarkGenerate is a cold start's first document in both encodings.
func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		d := &rendered{}
		if _, err := d.jsonBytes(); err != nil {
			b.Fatal(err)
		}
		if _, err := d.yamlBytes(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGenerateJSON is a cold start's first JSON document (the
// reference pages' request).
func BenchmarkGenerateJSON(b *testing.B) {
	for b.Loop() {
		d := &rendered{}
		if _, err := d.jsonBytes(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestEveryFilterIsDocumented: each FilterSet parameter (every filter name
// and lookup, ordering, search) is a parameter of its list route.
func TestEveryFilterIsDocumented(t *testing.T) {
	doc := load(t, get(t, newHandler(), "/api/schema/?format=json", nil).Body.Bytes())
	for key, set := range filterSets {
		path := strings.TrimPrefix(key, "GET ")
		op := doc.Paths.Find(path).Get
		for _, p := range set.Params() {
			if op.Parameters.GetByInAndName("query", p.Name) == nil {
				t.Errorf("%s: no parameter %s", key, p.Name)
			}
		}
	}
	op := doc.Paths.Find("/api/investments/").Get
	for _, name := range []string{"amount__gte", "investor__entity__kyc_status__in", "created_at__date__gte", "watchlistentity__has_hits"} {
		if op.Parameters.GetByInAndName("query", name) == nil {
			t.Errorf("GET /api/investments/: no %s", name)
		}
	}
}

// TestEveryRouteIsTyped fails naming each route of the table without a
// typed success response (responseTypes) or, for a write, a typed request
// body (requestTypes), and each Go type the generator cannot describe: a
// route added to the table must say what it sends and reads.
func TestEveryRouteIsTyped(t *testing.T) {
	for _, p := range Problems() {
		t.Error(p)
	}
	doc := load(t, get(t, newHandler(), "/api/schema/?format=json", nil).Body.Bytes())
	for _, r := range routes.All {
		op := doc.Paths.Find(r.Path).GetOperation(r.Method)
		ok := false
		for code, resp := range op.Responses.Map() {
			if code[0] != '2' {
				continue
			}
			ok = true
			for media, mt := range resp.Value.Content {
				if s := mt.Schema; s.Ref == "" && s.Value.Type.Is("object") && len(s.Value.Properties) == 0 && r.Function != "schema" {
					t.Errorf("%s: %s response %s is a bare object", r.Key(), code, media)
				}
			}
		}
		if !ok {
			t.Errorf("%s: no success response", r.Key())
		}
	}
	for key := range responseTypes {
		if !hasRoute(key) {
			t.Errorf("responseTypes: %s is not a route of the table", key)
		}
	}
	for key := range requestTypes {
		if !hasRoute(key) {
			t.Errorf("requestTypes: %s is not a route of the table", key)
		}
	}
}

func hasRoute(key string) bool {
	for _, r := range routes.All {
		if r.Key() == key {
			return true
		}
	}
	return false
}

// TestDocumentExtras: servers, the deprecated alias, the Idempotency-Key
// and plan headers.
func TestDocumentExtras(t *testing.T) {
	doc := load(t, get(t, newHandler(), "/api/schema/?format=json", nil).Body.Bytes())
	if len(doc.Servers) == 0 {
		t.Error("no servers")
	}
	if !doc.Paths.Find("/api/accounts/me/").Get.Deprecated || doc.Paths.Find("/api/accounts/users/me/").Get.Deprecated {
		t.Error("only the alias /api/accounts/me/ is deprecated")
	}
	if doc.Paths.Find("/api/investments/").Post.Parameters.GetByInAndName("header", "Idempotency-Key") == nil {
		t.Error("POST /api/investments/ has no Idempotency-Key")
	}
	if doc.Paths.Find("/api/offerings/{id}/api-keys/").Post.Parameters.GetByInAndName("header", "Idempotency-Key") != nil {
		t.Error("POST api-keys is not idempotent")
	}
	if h := doc.Paths.Find("/api/investments/").Get.Responses.Status(200).Value.Headers["X-Tranche-Plan"]; h == nil || !h.Value.Required {
		t.Error("the investments list has no X-Tranche-Plan")
	}
}
