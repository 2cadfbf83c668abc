package robust

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/tranche-dev/tranche/pkg/routes"
	"github.com/tranche-dev/tranche/pkg/schema"
	"github.com/tranche-dev/tranche/pkg/store"
)

// TestLiveResponsesMatchDocument sends every route of the table, through
// the local gateway and the real handlers on DynamoDB Local, its good
// request (the world's ids and base bodies) and the refusals a client
// meets (no credentials, an unknown id, a body that is not JSON, a method
// the path does not serve), and validates each live response — status,
// headers and body — against the served OpenAPI document with
// kin-openapi's openapi3filter. An undocumented status, a field of the
// wrong type or a missing required one fails, naming the route: the
// document is what the API really sends.
//
// Idempotency-Key: each POST is sent a second time with the same key; a
// route the document says honours the key must replay its first answer,
// and one it does not must not.
func TestLiveResponsesMatchDocument(t *testing.T) {
	// The document's own media types (the schema route) and the
	// unsubscribe page's HTML.
	openapi3filter.RegisterBodyDecoder(schema.MediaYAML, openapi3filter.YamlBodyDecoder)
	openapi3filter.RegisterBodyDecoder(schema.MediaJSON, openapi3filter.JSONBodyDecoder)
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
	openapi3filter.RegisterBodyDecoder("text/css", openapi3filter.PlainBodyDecoder)
	openapi3filter.RegisterBodyDecoder("text/javascript", openapi3filter.PlainBodyDecoder)
	w := newWorld(t)
	alts := alternatives(t, w)
	// The sample's deadlines have passed; move them ahead so that the
	// creates and lifecycle actions that need an offering still running
	// reach their success (a refused PATCH leaves that offering as it is).
	for _, id := range alts["offerings"] {
		w.send(request{method: "PATCH", path: "/api/offerings/" + id + "/", authz: w.key, body: []byte(`{"deadline_date": "2030-06-28"}`)})
	}
	raw, err := json.Marshal(schema.Generate())
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("document: %v", err)
	}

	statuses := map[string]int{}
	lastKey := "" // the key POST api-keys minted, for DELETE
	var unexercised []string
	validated := 0
	// Deletes last: they remove the world's objects the other routes name.
	all := ordered(routes.All)
	sort.SliceStable(all, func(i, j int) bool { return all[i].Method != "DELETE" && all[j].Method == "DELETE" })
	for _, r := range all {
		op := doc.Paths.Find(r.Path).GetOperation(r.Method)
		if op == nil {
			t.Errorf("%s: not in the document", r.Key())
			continue
		}
		check := func(what string, req request) result {
			t.Helper()
			res := w.send(req)
			statuses[fmt.Sprint(res.status)]++
			if err := validateLive(doc, r, op, req, res); err != nil {
				t.Errorf("%s [%s]: %d %s\n\t%v", r.Key(), what, res.status, trim(string(res.body)), err)
			}
			validated++
			return res
		}

		good := w.build(testCase{route: r, kind: "good"})
		idem := r.Method == "POST" && r.Auth != routes.AuthSvix
		if idem {
			good.header = withHeader(good.header, "Idempotency-Key", fmt.Sprintf("live-%s-%d", r.Path, w.seq))
		}
		if r.Key() == "DELETE /api/offerings/{id}/api-keys/" && lastKey != "" {
			good.body = []byte(`{"key_id": "` + lastKey + `"}`)
		}
		if good.body != nil && r.Auth != routes.AuthSvix {
			// Logged, not failed: DRF's fields coerce (a CharField takes a
			// number, as seed 002's phone is sent), which a schema of the
			// field's type does not; the responses are what must match.
			if err := validateRequest(doc, r, op, good); err != nil {
				t.Logf("%s: the good request is looser than the document: %v", r.Key(), err)
			}
		}
		res := check("good", good)
		// The sample's first objects may be in a state the route refuses
		// (a closed offering, a refunded investment): try the others, so
		// that each route's success body is validated.
		for _, alt := range alts[r.Function] {
			if res.status < 300 {
				break
			}
			req := good
			if strings.Contains(r.Path, "{id}") {
				req.path = wildcard.ReplaceAllString(r.Path, alt)
			} else if r.Key() == "POST /api/investments/" {
				req.body = []byte(strings.Replace(string(good.body), `"offering": `+w.ids["offering"], `"offering": `+alt, 1))
			} else {
				break
			}
			if req.header["Idempotency-Key"] != "" {
				req.header = withHeader(req.header, "Idempotency-Key", "live-"+req.path+alt)
			}
			good, res = req, check("good, other object", req)
		}
		switch {
		case res.status < 300:
		case res.status == http.StatusConflict || res.status == http.StatusBadRequest && (r.Method == "POST" || requiredQuery(op)):
			// The sample holds no object in the state this action needs
			// (a Reg CF offering with a material change, say): its
			// refusal was validated above; its success body is not.
			unexercised = append(unexercised, fmt.Sprintf("%s (%d)", r.Key(), res.status))
		default:
			t.Errorf("%s [good]: %d %s", r.Key(), res.status, trim(string(res.body)))
		}
		if r.Key() == "POST /api/offerings/{id}/api-keys/" {
			var k struct {
				KeyID string `json:"key_id"`
			}
			_ = json.Unmarshal(res.body, &k)
			lastKey = k.KeyID
		}
		if idem && res.status < 300 {
			documentedIdem := op.Parameters.GetByInAndName("header", "Idempotency-Key") != nil
			var again result
			if documentedIdem {
				again = check("idempotent retry", good)
			} else {
				// A second, real request (the route ignores the key):
				// only whether it was replayed is checked.
				again = w.send(good)
			}
			replayed := again.header.Get(store.IdempotencyReplayHeader) == "true"
			documented := op.Parameters.GetByInAndName("header", "Idempotency-Key") != nil
			if replayed != documented {
				t.Errorf("%s: Idempotency-Key replayed %v, documented %v", r.Key(), replayed, documented)
			}
		}

		if r.Auth != routes.AuthNone {
			req := w.build(testCase{route: r, kind: "auth", authz: "-"})
			if r.Auth == routes.AuthSvix {
				req.header = nil
			}
			check("no credentials", req)
		}
		if strings.Contains(r.Path, "{") {
			args := map[string]string{}
			for _, m := range wildcard.FindAllStringSubmatch(r.Path, -1) {
				args[m[1]] = "999999"
			}
			check("unknown id", w.build(testCase{route: r, kind: "path", pathArgs: args}))
		}
		if isWrite(r) && !ignoresBody(r) && r.Method != "DELETE" {
			check("not JSON", w.build(testCase{route: r, kind: "body", body: []byte(`{"a":`)}))
		}
		if other := unservedMethod(r.Path); other != "" {
			req := w.build(testCase{route: r, kind: "method"})
			req.method, req.body = other, nil
			res := w.send(req)
			if res.status != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: %d, want 405", other, r.Path, res.status)
			} else if err := validateError(doc, op, res); err != nil {
				t.Errorf("%s %s: 405 %s: %v", other, r.Path, res.body, err)
			}
			validated++
		}
	}
	var codes []string
	for c, n := range statuses {
		codes = append(codes, fmt.Sprintf("%s×%d", c, n))
	}
	sort.Strings(codes)
	if len(unexercised) > 0 {
		t.Logf("success not reached (refusal validated instead) on %d routes: %s", len(unexercised), strings.Join(unexercised, ", "))
	}
	t.Logf("openapi: %d operations, %d live responses validated; statuses %s", len(routes.All), validated, strings.Join(codes, " "))
}

// alternatives are the ids of each function's objects, from its list
// (the route's good id first in the world).
func alternatives(t *testing.T, w *world) map[string][]string {
	out := map[string][]string{}
	for fn, path := range map[string]string{"offerings": "/api/offerings/", "investments": "/api/investments/", "investors": "/api/investors/"} {
		res := w.send(request{method: "GET", path: path, query: "page_size=100", authz: w.key})
		var page struct {
			Results []struct {
				ID int64 `json:"id"`
			} `json:"results"`
		}
		if err := json.Unmarshal(res.body, &page); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, o := range page.Results {
			out[fn] = append(out[fn], fmt.Sprint(o.ID))
		}
	}
	return out
}

// validateRequest checks a good request against the operation's
// parameters and request body: the document accepts what works.
func validateRequest(doc *openapi3.T, r routes.Route, op *openapi3.Operation, req request) error {
	in := requestInput(doc, r, op, req)
	return openapi3filter.ValidateRequest(context.Background(), in)
}

// requiredQuery reports whether the operation has a required query
// parameter (the good request of the world does not know its value).
func requiredQuery(op *openapi3.Operation) bool {
	for _, p := range op.Parameters {
		if p.Value.In == "query" && p.Value.Required {
			return true
		}
	}
	return false
}

func withHeader(h map[string]string, k, v string) map[string]string {
	out := map[string]string{}
	for hk, hv := range h {
		out[hk] = hv
	}
	out[k] = v
	return out
}

// unservedMethod is a method the route table serves on no route of path
// (the 405 case), "" when it serves them all.
func unservedMethod(path string) string {
	served := map[string]bool{}
	for _, r := range routes.All {
		if r.Path == path {
			served[r.Method] = true
		}
	}
	for _, m := range []string{"PUT", "PATCH", "DELETE", "POST"} {
		if !served[m] {
			return m
		}
	}
	return ""
}

// validateLive checks one live response against the operation.
func validateLive(doc *openapi3.T, r routes.Route, op *openapi3.Operation, req request, res result) error {
	in := requestInput(doc, r, op, req)
	if res.header.Get(store.PlanHeader) != "" {
		if resp := op.Responses.Status(res.status); resp == nil || resp.Value.Headers[store.PlanHeader] == nil {
			return fmt.Errorf("%s sent, not documented", store.PlanHeader)
		}
	}
	return openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 res.status,
		Header:                 res.header,
		Body:                   io.NopCloser(bytes.NewReader(res.body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	})
}

func requestInput(doc *openapi3.T, r routes.Route, op *openapi3.Operation, req request) *openapi3filter.RequestValidationInput {
	u := &url.URL{Scheme: "http", Host: "api.robust.test", Path: req.path, RawQuery: req.query}
	hr, err := http.NewRequest(req.method, u.String(), bytes.NewReader(req.body))
	if err != nil {
		panic(err)
	}
	if req.body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	for k, v := range req.header {
		hr.Header.Set(k, v)
	}
	params := map[string]string{}
	names := wildcard.FindAllStringSubmatch(r.Path, -1)
	segsT, segsR := strings.Split(r.Path, "/"), strings.Split(req.path, "/")
	for i, s := range segsT {
		for _, m := range names {
			if s == m[0] && i < len(segsR) {
				params[m[1]], _ = url.PathUnescape(segsR[i])
			}
		}
	}
	return &openapi3filter.RequestValidationInput{
		Request:    hr,
		PathParams: params,
		Route:      &routers.Route{Spec: doc, Path: r.Path, PathItem: doc.Paths.Find(r.Path), Method: r.Method, Operation: op},
		Options:    &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true},
	}
}

// validateError checks a response of a method the path does not serve
// (no operation of its own) against the document's shared 405.
func validateError(doc *openapi3.T, op *openapi3.Operation, res result) error {
	resp := op.Responses.Status(res.status)
	if resp == nil {
		return fmt.Errorf("status %d not documented", res.status)
	}
	if res.header.Get("Allow") == "" {
		return fmt.Errorf("no Allow header")
	}
	var body map[string]any
	if err := json.Unmarshal(res.body, &body); err != nil {
		return err
	}
	return resp.Value.Content.Get("application/json").Schema.Value.VisitJSON(body)
}
