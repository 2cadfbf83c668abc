package robust

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/auth/sessiontest"
	"github.com/tranche-dev/tranche/pkg/routes"
	"github.com/tranche-dev/tranche/pkg/schema"
)

// defaultBudget is the number of cases per route `make test` sends: enough
// for every kind of every route, small enough for the whole suite to stay
// well under a minute on a shared two-core machine. ROBUST_BUDGET raises
// it (0: every generated case, as `make fuzz` runs it); ROBUST_SEED picks
// another deterministic sample, and ROBUST_ROUTES (a regular expression
// on "METHOD /path") narrows the run to some routes.
const defaultBudget = 14

func envInt(name string, def int64) int64 {
	if v := os.Getenv(name); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err == nil {
			return n
		}
	}
	return def
}

// TestRobustness sends every route its generated corpus and checks each
// answer: never a 500 or a panic, DRF's body on every 4xx, 404 for a bad
// path id, 401/403 for bad credentials, and no change to the table when a
// request was refused.
func TestRobustness(t *testing.T) {
	w := newWorld(t)
	doc := schema.Generate()
	budget := int(envInt("ROBUST_BUDGET", defaultBudget))
	seed := envInt("ROBUST_SEED", 11)
	forged, expired := otherTokens(t, w)

	stats := struct {
		requests, refused, accepted int
		byStatus                    map[int]int
		slow                        []string
	}{byStatus: map[int]int{}}
	start := time.Now()
	failures := 0
	fail := func(c testCase, format string, args ...any) {
		failures++
		if failures <= 60 {
			t.Errorf("%s: %s", c, fmt.Sprintf(format, args...))
		}
	}

	only := regexp.MustCompile(os.Getenv("ROBUST_ROUTES")) // e.g. "clerk_webhook" or "^PATCH "
	for _, r := range ordered(routes.All) {
		if !only.MatchString(r.Key()) {
			continue
		}
		fields := w.fieldsFor(doc, r)
		all := generate(doc, r, fields, forged, expired)
		cases := pick(all, budget, seed)
		baseline := w.snapshot()
		for _, c := range cases {
			req := w.build(c)
			res := w.send(req)
			stats.requests++
			stats.byStatus[res.status]++
			if res.duration > 2*time.Second {
				stats.slow = append(stats.slow, fmt.Sprintf("%s: %v", c, res.duration.Round(time.Millisecond)))
			}
			if msg := check(c, req, res); msg != "" {
				fail(c, "%s", msg)
			}
			refused := res.status >= 400
			if refused {
				stats.refused++
			} else {
				stats.accepted++
			}
			// A refused write must have changed nothing; reads are
			// compared once for the whole route below.
			if isWrite(r) {
				if refused {
					if d := baseline.diff(w.snapshot()); d != "" {
						fail(c, "refused with %d but changed the table:\n\t%s", res.status, d)
						baseline = w.snapshot()
					}
				} else {
					baseline = w.snapshot()
				}
			}
		}
		if !isWrite(r) {
			if d := baseline.diff(w.snapshot()); d != "" {
				t.Errorf("%s: reads changed the table:\n\t%s", r.Key(), d)
			}
		}
	}
	if failures > 60 {
		t.Errorf("… and %d more failures", failures-60)
	}
	elapsed := time.Since(start)
	var codes []string
	for code, n := range stats.byStatus {
		codes = append(codes, fmt.Sprintf("%d×%d", code, n))
	}
	sort.Strings(codes)
	t.Logf("robustness: %d routes, %d requests (%d refused, %d accepted) in %v; statuses %s",
		len(routes.All), stats.requests, stats.refused, stats.accepted, elapsed.Round(time.Millisecond), strings.Join(codes, " "))
	for _, s := range stats.slow {
		t.Logf("slow: %s", s)
	}
}

// ordered puts reads first, then creates and updates, then lifecycle
// actions (which may close the offering the creates need), so that each
// write's good body still reaches past validation.
func ordered(all []routes.Route) []routes.Route {
	rank := func(r routes.Route) int {
		switch {
		case r.Method == "GET":
			return 0
		case r.Auth == routes.AuthSvix:
			return 3
		case r.Method == "POST" && strings.Count(strings.Trim(r.Path, "/"), "/") == 3 && strings.Contains(r.Path, "{id}") && !strings.HasSuffix(r.Path, "api-keys/"):
			return 2 // /api/<group>/{id}/<action>/
		}
		return 1
	}
	out := append([]routes.Route(nil), all...)
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i]) < rank(out[j]) })
	return out
}

// otherTokens are a well-formed session token signed by a key the JWKS
// does not hold, and an expired one signed by the right key.
func otherTokens(t *testing.T, w *world) (forged, expired string) {
	t.Helper()
	other, err := auth.NewLocalIssuer(sessiontest.Issuer)
	if err != nil {
		t.Fatal(err)
	}
	if forged, err = other.Mint("user_robust_owner", time.Hour, auth.TokenOptions{SessionID: "sess_robust"}); err != nil {
		t.Fatal(err)
	}
	if expired, err = w.issuer.Mint("user_robust_owner", time.Minute, auth.TokenOptions{SessionID: "sess_robust", IssuedAt: time.Now().Add(-2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return forged, expired
}

// check returns what is wrong with the answer to c, or "".
func check(c testCase, req request, res result) string {
	if res.status >= 500 {
		return fmt.Sprintf("status %d %.300s; logged: %s", res.status, res.body, strings.Join(res.errors, " || "))
	}
	if len(res.errors) > 0 {
		return fmt.Sprintf("status %d but logged errors: %s", res.status, strings.Join(res.errors, " || "))
	}
	switch c.kind {
	case kindPath:
		// Django's <int:pk> (and <uuid:pk>) match nothing else: 404.
		if res.status != 404 {
			return fmt.Sprintf("bad path id answered %d, want 404: %.200s", res.status, res.body)
		}
	case kindAuth:
		if c.route.Auth != routes.AuthSvix && res.status != 401 && res.status != 403 {
			return fmt.Sprintf("bad credentials answered %d, want 401 or 403: %.200s", res.status, res.body)
		}
		if c.route.Auth == routes.AuthSvix && res.status < 400 {
			return fmt.Sprintf("unsigned webhook answered %d", res.status)
		}
	}
	// DRF refuses a NUL in any string and a body that is not UTF-8,
	// whatever the route does with them.
	if res.status < 400 && !ignoresBody(c.route) {
		if bytes.Contains(req.body, []byte(`\u0000`)) {
			return fmt.Sprintf("accepted a body with a NUL character: %d %.200s", res.status, res.body)
		}
		if !utf8.Valid(req.body) {
			return fmt.Sprintf("accepted a body that is not UTF-8: %d %.200s", res.status, res.body)
		}
	}
	if res.status >= 400 {
		if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			return fmt.Sprintf("status %d with Content-Type %q", res.status, ct)
		}
		if err := drfShaped(c.route, res.body); err != nil {
			return fmt.Sprintf("status %d body is not DRF's (%v): %.300s", res.status, err, res.body)
		}
	}
	return ""
}

// drfShaped checks a 4xx body: {"detail": "..."}, or field errors
// {"field": ["message", ...]} where a nested serializer's field holds an
// object of the same shape (or a list of them, one per item).
//
// The values routes keep seed 000's own envelope for their errors:
// {"success": false, "message": "...", "data": null}.
func drfShaped(r routes.Route, body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("not JSON: %v", err)
	}
	m, ok := v.(map[string]any)
	if ok && strings.HasSuffix(r.Path, "/values/") {
		if _, isMsg := m["message"].(string); m["success"] == false && isMsg && len(m) == 3 {
			return nil
		}
	}
	if !ok {
		if l, ok := v.([]any); ok {
			// A list body's errors: one object per item, as DRF's
			// ListSerializer answers.
			for _, e := range l {
				if err := fieldErrors(e); err != nil {
					return err
				}
			}
			return nil
		}
		return fmt.Errorf("a %T, not an object", v)
	}
	if d, ok := m["detail"]; ok {
		if _, ok := d.(string); !ok || len(m) != 1 {
			return fmt.Errorf(`"detail" must be the only key, a string`)
		}
		return nil
	}
	if len(m) == 0 {
		return fmt.Errorf("empty object")
	}
	return fieldErrors(m)
}

func fieldErrors(v any) error {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if err := fieldErrors(e); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
		}
		return nil
	case []any:
		if len(v) == 0 {
			return fmt.Errorf("empty message list")
		}
		for _, e := range v {
			switch e.(type) {
			case string:
			case map[string]any, []any:
				if err := fieldErrors(e); err != nil {
					return err
				}
			default:
				return fmt.Errorf("message %v is a %T", e, e)
			}
		}
		return nil
	}
	return fmt.Errorf("%v is a %T, not a message list", v, v)
}

// build turns a case into the request the world sends.
func (w *world) build(c testCase) request {
	r := c.route
	path := wildcard.ReplaceAllStringFunc(r.Path, func(m string) string {
		name := m[1 : len(m)-1]
		if v, ok := c.pathArgs[name]; ok {
			return v
		}
		return w.goodID(r, name)
	})
	query := c.query
	if q, ok := baseQueries[r.Key()]; ok && !strings.HasPrefix(query, "field=") {
		// The route's good query first, so that the spoilt parameter
		// is what the route reads past.
		query = strings.TrimSuffix(q+"&"+query, "&")
	}
	req := request{method: r.Method, path: path, query: query}
	switch {
	case c.authz == "-":
	case c.authz != "":
		req.authz = c.authz
	case r.Auth == routes.AuthJWT:
		req.authz = w.bearer
	case r.Auth == routes.AuthKey, r.Auth == routes.AuthKeyOrJWT:
		req.authz = w.key
	}
	switch {
	case c.body != nil:
		if f, v, ok := fieldSpec(c.body); ok {
			req.body = w.spoil(r, f, v)
		} else {
			req.body = c.body
		}
	case isWrite(r):
		if b, ok := baseBody(r); ok {
			req.body = []byte(w.fill(b))
		}
	}
	if r.Auth == routes.AuthSvix && !c.unsigned {
		req.header = w.svixHeaders(req.body)
	}
	return req
}

// goodID is the world's object for a wildcard of route r.
func (w *world) goodID(r routes.Route, name string) string {
	switch {
	case strings.HasPrefix(r.Path, "/api/user-groups/"):
		if name == "user_id" {
			return w.ids["user"]
		}
		return w.ids["usergroup"]
	case r.Function == "invitations":
		return w.ids["invitation"]
	case strings.HasPrefix(r.Path, "/api/schema/ui/"):
		return "swagger-ui.css"
	case strings.HasPrefix(r.Path, "/api/mail/unsubscribe/"):
		return w.ids["unsubscribe"]
	case strings.HasPrefix(r.Path, "/api/documents/w9/"):
		return w.ids["w9link"]
	case strings.HasPrefix(r.Path, "/api/offerings/"):
		return w.ids["offering"]
	case strings.HasPrefix(r.Path, "/api/investments/"):
		return w.ids["investment"]
	case strings.HasPrefix(r.Path, "/api/investors/"):
		return w.ids["investor"]
	case strings.HasPrefix(r.Path, "/api/users/"):
		return w.ids["user"]
	case strings.HasPrefix(r.Path, "/api/user-types/"):
		return "all" // seed 001's {type}: every user
	case r.Function == "profiles":
		return w.ids["profile"]
	case strings.HasPrefix(r.Path, "/api/user-data-forms/") && name == "user",
		strings.HasPrefix(r.Path, "/api/investor-preference-forms/") && name == "user":
		return w.ids["formuser"]
	case strings.HasPrefix(r.Path, "/api/user-data-forms/"):
		return w.ids["userdataform"]
	case strings.HasPrefix(r.Path, "/api/investor-preference-forms/"):
		return w.ids["preferenceform"]
	}
	w.t.Fatalf("%s: no good value for {%s}", r.Key(), name)
	return ""
}

// fill resolves a base body's placeholders.
func (w *world) fill(body string) string {
	w.seq++
	return strings.NewReplacer(
		"{offering}", w.ids["offering"], "{investor}", w.ids["investor"], "{user}", w.ids["user"],
		"{issuer}", w.ids["issuer"], "{company}", w.ids["company"], "{n}", strconv.Itoa(w.seq),
		"{w9sha}", w.ids["w9sha"],
		"{formuser}", w.ids["formuser"], "{usergroup}", w.ids["usergroup"],
	).Replace(body)
}

// spoil is the route's base body with the field at path (dots between
// keys and list indexes) set to the raw JSON value.
func (w *world) spoil(r routes.Route, path, value string) []byte {
	base, ok := baseBody(r)
	if !ok {
		base = "{}"
	}
	dec := json.NewDecoder(strings.NewReader(w.fill(base)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		w.t.Fatalf("%s: base body: %v", r.Key(), err)
	}
	v = setPath(v, strings.Split(path, "."), json.RawMessage(value))
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// A value json.RawMessage refuses to re-encode: splice it in.
		return []byte(strings.Replace(`{"`+path+`": VALUE}`, "VALUE", value, 1))
	}
	return buf.Bytes()
}

func setPath(v any, path []string, value json.RawMessage) any {
	if len(path) == 0 {
		return value
	}
	switch c := v.(type) {
	case map[string]any:
		c[path[0]] = setPath(c[path[0]], path[1:], value)
		return c
	case []any:
		if i, err := strconv.Atoi(path[0]); err == nil && i < len(c) {
			c[i] = setPath(c[i], path[1:], value)
			return c
		}
	}
	m := map[string]any{}
	m[path[0]] = setPath(nil, path[1:], value)
	return m
}

// fieldsFor lists the body fields of a write route: every leaf of its base
// body, the properties the OpenAPI document gives its object, and the keys
// its GET sibling answers with, live.
func (w *world) fieldsFor(doc *schema.Document, r routes.Route) []string {
	if !isWrite(r) {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	addf := func(f string) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	if b, ok := baseBody(r); ok {
		dec := json.NewDecoder(strings.NewReader(w.fill(b)))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err == nil {
			leaves(v, "", addf)
		}
	}
	for _, f := range docFields(doc, r) {
		addf(f)
	}
	if r.Auth != routes.AuthSvix {
		for _, p := range []string{r.Path, r.Path + "{id}/"} {
			get := routes.Route{Function: r.Function, Method: "GET", Path: p, Auth: r.Auth}
			if !hasRoute(get) {
				continue
			}
			res := w.send(w.build(testCase{route: get}))
			var m map[string]json.RawMessage
			if res.status == 200 && json.Unmarshal(res.body, &m) == nil {
				keys := make([]string, 0, len(m))
				for k := range m {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				for _, k := range keys {
					addf(k)
				}
			}
			break
		}
	}
	return out
}

func hasRoute(r routes.Route) bool {
	for _, x := range routes.All {
		if x.Method == r.Method && x.Path == r.Path {
			return true
		}
	}
	return false
}

// leaves calls f with the path of every leaf of v (and of every object
// itself, so that a whole nested object is spoilt too).
func leaves(v any, prefix string, f func(string)) {
	join := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	switch c := v.(type) {
	case map[string]any:
		if prefix != "" {
			f(prefix)
		}
		keys := make([]string, 0, len(c))
		for k := range c {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			leaves(c[k], join(k), f)
		}
	case []any:
		if prefix != "" {
			f(prefix)
		}
		if len(c) > 0 {
			leaves(c[0], join("0"), f)
		}
	default:
		f(prefix)
	}
}

// TestCoverage fails when a route of the table gets no generated case of
// a kind it should have: a new route cannot slip past the suite.
func TestCoverage(t *testing.T) {
	doc := schema.Generate()
	total, bounded := 0, 0
	defer func() {
		t.Logf("corpus: %d routes, %d cases generated, %d in the bounded corpus", len(routes.All), total, bounded)
	}()
	for _, r := range routes.All {
		var fields []string
		if b, ok := baseBody(r); ok {
			var v any
			if err := json.Unmarshal([]byte(strings.NewReplacer("{offering}", "1", "{investor}", "1", "{user}", "1", "{issuer}", "1", "{company}", "1", "{n}", "1", "{formuser}", "1", "{usergroup}", "1").Replace(b)), &v); err != nil {
				t.Errorf("%s: base body is not JSON: %v", r.Key(), err)
			}
			leaves(v, "", func(f string) { fields = append(fields, f) })
		} else if isWrite(r) {
			t.Errorf("%s: a write route without a base body in baseBodies", r.Key())
		}
		cases := generate(doc, r, fields, "x", "y")
		kinds := map[string]int{}
		for _, c := range cases {
			kinds[c.kind]++
		}
		want := []string{kindQuery}
		if strings.Contains(r.Path, "{") {
			want = append(want, kindPath)
		}
		if r.Auth != routes.AuthNone {
			want = append(want, kindAuth)
		}
		if isWrite(r) {
			want = append(want, kindBody)
			if len(fields) > 0 {
				want = append(want, kindField)
			}
		}
		if r.Method == "GET" && len(routeParams(doc, r)) > 0 && kinds[kindQuery] <= len(genericQueries) {
			t.Errorf("%s: the document's query parameters gave no cases", r.Key())
		}
		for _, k := range want {
			if kinds[k] == 0 {
				t.Errorf("%s: no %s cases", r.Key(), k)
			}
		}
		total += len(cases)
		bounded += len(pick(cases, defaultBudget, 11))
		if sampled := pick(cases, defaultBudget, 11); len(sampled) == 0 {
			t.Errorf("%s: no cases in the bounded corpus", r.Key())
		}
	}
}
