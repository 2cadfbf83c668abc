package robust

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/tranche-dev/tranche/pkg/routes"
	"github.com/tranche-dev/tranche/pkg/schema"
)

// Case kinds: what a case spoils.
const (
	kindBody  = "body"  // the whole body: malformed JSON, wrong top-level type, bad bytes
	kindField = "field" // one field of a good body
	kindPath  = "path"  // one path wildcard
	kindQuery = "query" // the query string
	kindAuth  = "auth"  // the credentials
)

// testCase is one generated request of the corpus. Its path, body and
// credentials are filled in by the world at send time (ids and secrets
// are the world's), so the corpus itself is plain data.
type testCase struct {
	route routes.Route
	kind  string
	name  string
	// pathArgs replaces path wildcards (by name) with raw, escaped text;
	// a wildcard not named gets the world's good id.
	pathArgs map[string]string
	query    string
	// body is the raw body; nil sends the route's base body (writes) or
	// none (reads).
	body []byte
	// authz, when set, replaces the route's credentials ("-" sends none).
	authz string
	// unsigned sends a webhook body without signing it.
	unsigned bool
}

func (c testCase) String() string {
	return fmt.Sprintf("%s [%s] %s", c.route.Key(), c.kind, c.name)
}

// isWrite reports whether the route reads a body.
func isWrite(r routes.Route) bool {
	switch r.Method {
	case "POST", "PUT", "PATCH", "DELETE":
		return true
	}
	return false
}

// Seed 002's profile bodies (issue 13): a new user per request ({n}).
const (
	profileBody     = `{"user_id": null, "email": "robust{n}@robust.test", "type": "individual", "role": "investor", "first_name": "Ada", "last_name": "Lovelace", "phone": 2125550100, "date_of_birth": "1980-02-03", "tax_id": "123-45-6789", "address1": "1 Main St", "city": "New York", "country_id": 840, "state_id": 363, "zip": "10001", "accredited_investor_document": [5]}`
	profileUpdate   = `{"type": "individual", "role": "investor", "first_name": "Ada", "last_name": "Lovelace", "phone": 2125550100, "date_of_birth": "1980-02-03", "address1": "2 Main St", "city": "New York", "country_id": 840, "state_id": 363, "zip": "10001", "accredited_investor_document": [5]}`
	bankAccountBody = `{"account_type": "checking", "routing_number": "021000021", "account_number": "000123456789"}`
)

// baseBodies are a good body of each write route, the starting point that
// field cases spoil one field of. Placeholders {offering}, {investor},
// {user}, {issuer}, {company} are the world's objects; {n} is unique per
// request. A write route missing here still gets body cases and the
// fields its GET sibling and the OpenAPI document show (TestCoverage
// lists it, so a new route is given a base body deliberately).
var baseBodies = map[string]string{
	"POST /api/profiles":                           profileBody,
	"PUT /api/profiles/{id}":                       profileUpdate,
	"POST /api/profiles/{id}/bank-account":         bankAccountBody,
	"POST /api/v1/api/profiles":                    profileBody,
	"PUT /api/v1/api/profiles/{id}":                profileUpdate,
	"POST /api/v1/api/profiles/{id}/bank-account":  bankAccountBody,
	"POST /api/offerings/":                         `{"issuer": {issuer}, "name": "Robust {n}", "type": "reg_cf", "unit_price": "1.00", "deadline_date": "2030-01-31", "accent_color": "#1A2B3C"}`,
	"PATCH /api/offerings/{id}/":                   `{"name": "Robust renamed", "description": "About it", "logo": "https://example.com/logo.png", "favicon": "https://example.com/favicon.ico", "signing_email": "sign@example.com", "minimum_investment_amount": "100.00"}`,
	"POST /api/offerings/{id}/open/":               `{}`,
	"POST /api/offerings/{id}/pause/":              `{}`,
	"POST /api/offerings/{id}/close/":              `{}`,
	"POST /api/offerings/{id}/escrow-close/":       `{}`,
	"POST /api/offerings/{id}/refunds/":            `{}`,
	"POST /api/offerings/{id}/api-keys/":           `{"name": "robust {n}", "write": false}`,
	"DELETE /api/offerings/{id}/api-keys/":         `{"key_id": "nope"}`,
	"POST /api/investments/":                       `{"offering": {offering}, "investor": {investor}, "amount": "1000.00", "requested_payment_method": "wire"}`,
	"PATCH /api/investments/{id}/":                 `{"has_investor_signed": true, "requested_payment_method": "wire"}`,
	"POST /api/investments/{id}/receive/":          `{}`,
	"POST /api/investments/{id}/fail-payment/":     `{}`,
	"POST /api/investments/{id}/approve/":          `{}`,
	"POST /api/investments/{id}/reject/":           `{}`,
	"POST /api/investments/{id}/accept/":           `{}`,
	"POST /api/investments/{id}/cancel/":           `{}`,
	"POST /api/investments/{id}/refund/":           `{}`,
	"POST /api/investments/{id}/invest/":           `{}`,
	"POST /api/investors/":                         `{"user": {user}, "type": "person", "receive_sms": false, "utm_parameters": {"source": "robust"}, "entity": {"first_name": "Ada", "last_name": "Lovelace", "email": "ada{n}@robust.test", "country": "GB", "us_person": false, "annual_income": "90000.00", "date_of_birth": "1990-01-01", "tax_id_number": "123456789"}}`,
	"PATCH /api/investors/{id}/":                   `{"receive_emails": true, "entity": {"first_name": "Ada", "kyc_status": "processing"}}`,
	"POST /api/users/":                             `{"email": "u{n}@robust.test", "password": "s3cret-{n}"}`,
	"PATCH /api/users/{id}/":                       `{"email": "p{n}@robust.test"}`,
	"POST /api/accounts/workspaces/switch/":        `{"company_id": {company}}`,
	"POST /api/accounts/invitations/":              `{"email": "i{n}@robust.test", "auth_group": 3}`,
	"POST /api/v1/account/user/":                   `{"first_name": "Ada", "username": "ada{n}", "unsafe_metadata": {"theme": "dark"}}`,
	"POST /api/v1/account/userextension/":          `{"address": "1 Main St", "city": "Springfield", "state": "NY", "country": "US", "zip_code": "10001", "birth_date": "1990-01-01"}`,
	"POST /api/v1/account/userorganisation/":       `{"org_name": "Robust Capital"}`,
	"POST /api/v1/account/userprofile/":            `{"timezone": "UTC", "language": "en", "bio": "Hello"}`,
	"POST /api/v1/account/usersubscription/":       `{}`,
	"POST /api/v1/account/devtest/":                `{}`,
	"POST /api/mail/unsubscribe/{token}/":          `{}`,
	"POST /api/documents/w9/{token}/":              `{"name": "Robust Signer", "consent": true, "sha256": "{w9sha}"}`,
	"POST /api/offerings/{id}/early-close/":        `{"deadline_date": "2030-01-15"}`,
	"POST /api/offerings/{id}/material-change/":    `{"description": "The use of proceeds changed."}`,
	"POST /api/offerings/{id}/cancel-unconfirmed/": `{}`,
	"POST /api/investments/{id}/reconfirm/":        `{}`,
	"PUT /api/investors/{id}/accreditation/":       `{"method": "income", "verifier": "Robust CPA LLP", "verified_on": "2026-11-01"}`,
	"PUT /api/v1/account/devtest/":                 `{}`,
	"DELETE /api/v1/account/devtest/":              `{}`,
	"POST /api/v1/ibkr/trades/":                    `[{"trade_id": "T-{n}", "symbol": "MSFT", "side": "BUY", "qty": 1, "trade_price": 400}]`,
	// groups and roles — seed 001 (issue 12)
	"POST /api/user-groups/":                        `{"name": "Robust {n}", "description": "A group", "lead_user": {user}, "feature_flags": {"early_access": true}}`,
	"PATCH /api/user-groups/{id}/":                  `{"name": "Robust renamed {n}", "description": "About it"}`,
	"DELETE /api/user-groups/{id}/":                 `{}`,
	"POST /api/user-groups/{id}/users/":             `{"user": {user}, "role": "member"}`,
	"DELETE /api/user-groups/{id}/users/{user_id}/": `{}`,
	"PATCH /api/user-groups/{id}/role/":             `{"user": {user}, "role": "viewer"}`,
	"PATCH /api/user-groups/{id}/feature-flags/":    `{"flag": "early_access", "enabled": true}`,
	"POST /api/invitations/shell/":                  `{"email": "shell{n}@robust.test", "name": "Shell {n}", "description": "Pre-built"}`,
	"POST /api/invitations/signatory/":              `{"user": {user}}`,

	// forms — seed 001 (issue 12): the world's forms are held by {formuser}, so DELETE is a 409
	"POST /api/user-data-forms/":                                      `{"name": "Robust {n}", "description": "About", "fields": [{"name": "income", "label": "Income", "type": "number", "required": true}, {"name": "risk", "label": "Risk", "type": "choice", "choices": ["low", "high"], "help_text": "Pick one"}]}`,
	"DELETE /api/user-data-forms/{id}/":                               `{}`,
	"PATCH /api/user-data-forms/{id}/state/":                          `{"enabled": true}`,
	"POST /api/user-data-forms/{id}/implementations/":                 `{"user": {formuser}, "answers": {"income": "1", "risk": "low"}}`,
	"PUT /api/user-data-forms/{id}/implementations/{user}/":           `{"answers": {"income": "2.50", "risk": "high"}}`,
	"POST /api/investor-preference-forms/":                            `{"name": "Robust {n}", "fields": [{"name": "horizon", "label": "Horizon", "type": "choice", "choices": ["short", "long"], "required": true}], "classifications": ["person_accredited", "person_non_accredited", "company_accredited", "company_non_accredited", "trust_accredited", "trust_non_accredited", "trust_ira_accredited", "trust_ira_non_accredited"], "editable": true, "enforcement_type": "required"}`,
	"DELETE /api/investor-preference-forms/{id}/":                     `{}`,
	"PATCH /api/investor-preference-forms/{id}/state/":                `{"enabled": true}`,
	"PATCH /api/investor-preference-forms/{id}/classifications/":      `{"classifications": ["person_accredited", "person_non_accredited", "company_accredited", "company_non_accredited", "trust_accredited", "trust_non_accredited", "trust_ira_accredited", "trust_ira_non_accredited"]}`,
	"PATCH /api/investor-preference-forms/{id}/editable/":             `{"editable": true}`,
	"PATCH /api/investor-preference-forms/{id}/enforcement-type/":     `{"enforcement_type": "required"}`,
	"POST /api/investor-preference-forms/{id}/implementations/":       `{"user": {formuser}, "answers": {"horizon": "long"}}`,
	"PUT /api/investor-preference-forms/{id}/implementations/{user}/": `{"answers": {"horizon": "short"}}`,

	// The webhook's base body is the repository's sample Clerk event
	// (events/webhooks-user-created.json), read by webhookBody.

	// users and invitations — seed 001 (issue 12)
	"PATCH /api/users/{id}/profile/":              `{"first_name": "Robust", "last_name": "Profile"}`,
	"PATCH /api/users/me/":                        `{"first_name": "Robust"}`,
	"POST /api/invitations/":                      `{"email": "u{n}@robust.test", "type": "investor", "first_name": "Rob"}`,
	"POST /api/invitations/internal/":             `{"email": "t{n}@robust.test", "auth_group": 3}`,
	"POST /api/invitations/{id}/resend/":          `{}`,
	"POST /api/invitations/login-token/":          `{"user": {user}, "group": {usergroup}}`,
	"POST /api/invitations/login-token/exchange/": `{"token": "tlt_robust"}`,
}

// webhookBody is the body of the sample Clerk event.
func webhookBody() string {
	b, err := os.ReadFile(filepath.Join("..", "..", "events", "webhooks-user-created.json"))
	if err != nil {
		panic(err)
	}
	var ev struct{ Body string }
	if err := json.Unmarshal(b, &ev); err != nil {
		panic(err)
	}
	return ev.Body
}

// ignoresBody reports whether the route never reads its body: the
// lifecycle actions take none, nor do the DELETE routes whose base body
// is empty (a DELETE body has no defined meaning; the api-keys DELETE
// reads key_id from it). DRF parses request.data only when a view
// reads it, so such a route accepts any bytes, as these do; the suite
// still sends them every bad body (no 500), but does not ask for a
// refusal of NUL or invalid UTF-8 there.
func ignoresBody(r routes.Route) bool {
	if r.Key() == "POST /api/mail/unsubscribe/{token}/" {
		return true // the one-click POST's form body (RFC 8058) carries nothing to read
	}
	if r.Method == "DELETE" {
		return baseBodies[r.Key()] == `{}`
	}
	if r.Method != "POST" || !strings.HasPrefix(r.Path, "/api/") {
		return false
	}
	segs := strings.Split(strings.Trim(r.Path, "/"), "/")
	return len(segs) == 4 && segs[2] == "{id}" && segs[3] != "api-keys" && baseBodies[r.Key()] == `{}`
}

func baseBody(r routes.Route) (string, bool) {
	if r.Auth == routes.AuthSvix {
		return webhookBody(), true
	}
	b, ok := baseBodies[r.Key()]
	return b, ok
}

// baseQueries are a good query of the routes that need one: the values
// routes answer 400 without field=, before reading any filter.
var baseQueries = map[string]string{
	"GET /api/investments/values/": "field=status,id",
	"GET /api/investors/values/":   "field=type",
}

// Bad values. Each is a JSON fragment (field values) or raw text (path
// and query values, already percent-encoded where they must be).
var (
	big = func(n int) string { return strings.Repeat("x", n) }

	wrongTypes = []string{`"x"`, `""`, `0`, `-1`, `1.5`, `true`, `false`, `null`, `[]`, `{}`, `[1, "a", null]`, `{"a": {"b": [1]}}`, `[[[[[[[[[[1]]]]]]]]]]`}
	badStrings = []string{
		`"` + big(300) + `"`, `"` + big(5_000) + `"`, `"` + big(120_000) + `"`, `"` + big(500_000) + `"`, `"` + big(900_000) + `"`,
		`"` + strings.Repeat("ñ", 2_000) + `"`, `"a\u0000b"`, `"\u0000"`, `"\ud800"`, `"\udfff\ud800"`, `"\u202eevil"`,
		`"<script>alert(1)</script> & \"q\""`, `" "`, `"\t\n"`, `"not-an-email"`, `"a@b"`, `"@example.com"`,
		`"javascript:alert(1)"`, `"http://"`, `"http://exa mple.com"`, `"ftp://x"`, `"//example.com"`,
		`"2026-02-30"`, `"0000-01-01"`, `"10000-01-01"`, `"2026-01-01T25:61:00Z"`, `"9999-12-31T23:59:59.999999999Z"`,
		`"#GGGGGG"`, `"ZZ"`, `"us"`, `"\u00e9"`,
	}
	badNumbers = []string{
		`1e309`, `-1e309`, `1e308`, `-0`, `-0.0`, `0`, `-1`, `1E+2`, `0.0000000000000000000000001`,
		`99999999999999999999999999999999999999`, `-99999999999999999999999999999`,
		`12345678901234567890.123456789012345678901234567890`, `9223372036854775807`, `9223372036854775808`,
		`-9223372036854775809`, `4294967296`, `1.0000000000000000001`, `1` + strings.Repeat("0", 400),
		`"1e309"`, `"NaN"`, `"Infinity"`, `"-Infinity"`, `"-0"`, `"0x10"`, `"1_000"`, `" 12 "`, `"١٢"`, `"12.345"`, `"1e3"`, `"-0.00"`,
	}
	badBodies = []struct{ name, body string }{
		{"empty", ``}, {"spaces", "  \n "}, {"open brace", `{`}, {"close brace", `}`}, {"list", `[]`},
		{"list of objects", `[{"a": 1}]`}, {"string", `"x"`}, {"number", `123`}, {"null", `null`}, {"true", `true`},
		{"two objects", `{"a": 1}{"b": 2}`}, {"trailing comma", `{"a": 1,}`}, {"single quotes", `{'a': 1}`},
		{"unquoted key", `{a: 1}`}, {"missing value", `{"a":}`}, {"cut", `{"a": "b`}, {"NaN", `{"a": NaN}`},
		{"comment", `{"a": 1 /* c */}`}, {"BOM", "\ufeff{}"}, {"invalid utf-8", "{\"a\": \"\xff\xfe\"}"},
		{"invalid utf-8 key", "{\"\xc3\x28\": 1}"}, {"cut utf-8", "{\"a\": \"\xe2\x82"}, {"overlong utf-8", "{\"a\": \"\xc0\xaf\"}"},
		{"NUL escape", `{"a": "\u0000"}`}, {"NUL key", `{"\u0000": 1}`}, {"raw NUL", "{\"a\": \"\x00\"}"},
		{"lone surrogate", `{"a": "\ud800"}`}, {"deep list", strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)},
		{"deep object", strings.Repeat(`{"a":`, 20_000) + "1" + strings.Repeat("}", 20_000)},
		{"many keys", manyKeys(20_000)}, {"duplicate keys", `{"a": 1, "a": "x"}`},
		{"huge number", `{"a": 1` + strings.Repeat("0", 100_000) + `}`},
		{"over 1 MB", `{"a": "` + big(1<<20+10) + `"}`}, {"just under 1 MB", `{"a": "` + big(1<<20-20) + `"}`},
	}
	badIDs = []struct{ name, raw string }{
		{"plus", "+1"}, {"minus", "-1"}, {"zero", "0"}, {"hex", "0x1"}, {"exponent", "1e3"}, {"decimal", "1.0"},
		{"space", "%201"}, {"trailing space", "1%20"}, {"overflow", "9223372036854775808"},
		{"max int64", "9223372036854775807"}, {"overlong", strings.Repeat("9", 3_000)}, {"letters", "abc"},
		{"long letters", big(3_000)}, {"arabic digits", "%D9%A1"}, {"fullwidth digits", "%EF%BC%91"},
		{"NUL", "%00"}, {"invalid utf-8", "%FF"}, {"encoded slash", "1%2F2"}, {"dot", "."}, {"empty quote", "%22%22"},
		{"uuid-ish", "00000000-0000-0000-0000-000000000000x"}, {"sql", "1%27%20OR%201%3D1"},
	}
	badQueryValues = []string{
		"", "x", "-1", "0", "1e309", "NaN", "inf", "-0", "99999999999999999999999", "0.0000000000000000000001",
		"%FF", "%00", "%C0%AF", "%ZZ", "%", big(10_000), ",,,", "1,,2", "a,b", "1,x", "2026-13-45",
		"2026-01-01T25:00:00Z", "true", "TRUE", "maybe", "%E2%80%AE", "1%2C2%2C3", "[]", "{}", "%22x%22",
	}
	genericQueries = []string{
		"page=0", "page=-1", "page=99999999999999999999", "page=last", "page=x", "page=1e3", "page=%FF",
		"page_size=0", "page_size=-1", "page_size=99999999", "page_size=x", "limit=-1", "limit=99999999999999999999",
		"offset=-1", "offset=99999999999999999999", "offset=x", "ordering=nope", "ordering=-", "ordering=--id,,id",
		"ordering=%FF", "ordering=" + big(5_000), "search=%00", "search=%FF", "search=%22unterminated",
		"search=" + big(10_000), "%FF=%FF", "%00=1", "a=1&a=2&a=3", "field=", "field=nope", "field=%FF",
		"field=" + strings.Repeat("id,", 2_000), "format=xml", "format=%00", strings.Repeat("x=1&", 2_000),
		"id__in=" + idList(10_000), "id__in=1,,x", "id__in=" + big(50_000),
	}
)

func manyKeys(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"k%d":%d`, i, i)
	}
	b.WriteString("}")
	return b.String()
}

func idList(n int) string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprint(i + 1)
	}
	return strings.Join(ids, ",")
}

// badAuth are forged, malformed and over-long credentials, each valued in
// the context of the route's scheme.
func badAuth(r routes.Route, forgedJWT, expiredJWT string) []struct{ name, authz string } {
	out := []struct{ name, authz string }{
		{"none", "-"}, {"empty bearer", "Bearer "}, {"bearer garbage", "Bearer x"}, {"forged jwt", "Bearer " + forgedJWT},
		{"expired jwt", "Bearer " + expiredJWT}, {"alg none jwt", "Bearer " + algNoneJWT()},
		{"three dots", "Bearer a.b.c"}, {"long bearer", "Bearer " + big(9_000)}, {"basic", "Basic dXNlcjpwYXNz"},
		{"token scheme", "Token abc"}, {"key garbage", "tk_x"}, {"key no secret", "tk_1_"}, {"key unknown ws", "tk_999999_" + big(52)},
		{"key long ws", "tk_" + big(3_000) + "_" + big(52)}, {"api-key long", "Api-Key tk_" + big(5_000) + "_x"},
		{"key long secret", "tk_1_" + big(8_000)}, {"api-key empty", "Api-Key "}, {"invalid utf-8", "tk_\xff\xfe_x"},
		{"only spaces", "   "}, {"two schemes", "Bearer Bearer x"},
	}
	if r.Auth == routes.AuthSvix {
		out = append(out, struct{ name, authz string }{"unsigned", ""})
	}
	return out
}

// algNoneJWT is an unsigned token that claims to be a session.
func algNoneJWT() string {
	enc := func(s string) string {
		return strings.TrimRight(strings.NewReplacer("+", "-", "/", "_").Replace(b64(s)), "=")
	}
	return enc(`{"alg":"none","typ":"JWT"}`) + "." + enc(`{"sub":"user_robust_owner","iss":"https://clerk.tranche.test","exp":9999999999}`) + "."
}

// routeParams are the query parameters the OpenAPI document lists for the
// route.
func routeParams(doc *schema.Document, r routes.Route) []string {
	item, ok := doc.Paths[r.Path]
	if !ok {
		return nil
	}
	op := item[strings.ToLower(r.Method)]
	if op == nil {
		return nil
	}
	var out []string
	for _, p := range op.Parameters {
		if p.In == "query" {
			out = append(out, p.Name)
		}
	}
	return out
}

// docFields are the properties the OpenAPI document gives the object of
// the route's GET sibling (the same path, or the collection's detail
// path): the fields a write of that object may carry.
func docFields(doc *schema.Document, r routes.Route) []string {
	for _, p := range []string{r.Path, r.Path + "{id}/"} {
		item, ok := doc.Paths[p]
		if !ok || item["get"] == nil {
			continue
		}
		resp := item["get"].Responses["200"]
		if resp == nil || resp.Content["application/json"].Schema == nil {
			continue
		}
		s := resolve(doc, resp.Content["application/json"].Schema)
		if s == nil || len(s.Properties) == 0 {
			continue
		}
		var out []string
		for name := range s.Properties {
			out = append(out, name)
		}
		sort.Strings(out)
		return out
	}
	return nil
}

func resolve(doc *schema.Document, s *schema.Schema) *schema.Schema {
	for s != nil && s.Ref != "" {
		s = doc.Components.Schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
	}
	return s
}

var wildcard = regexp.MustCompile(`\{([A-Za-z0-9_]+)\}`)

// generate builds every case of route r. fields are the body fields to
// spoil one at a time (paths into the body: "name", "entity.first_name",
// "0.qty").
func generate(doc *schema.Document, r routes.Route, fields []string, forgedJWT, expiredJWT string) []testCase {
	var out []testCase
	add := func(c testCase) { c.route = r; out = append(out, c) }

	for _, m := range wildcard.FindAllStringSubmatch(r.Path, -1) {
		for _, id := range badIDs {
			add(testCase{kind: kindPath, name: m[1] + "=" + id.name, pathArgs: map[string]string{m[1]: id.raw}})
		}
	}
	if r.Auth != routes.AuthNone {
		for _, a := range badAuth(r, forgedJWT, expiredJWT) {
			c := testCase{kind: kindAuth, name: a.name, authz: a.authz}
			if r.Auth == routes.AuthSvix {
				c.unsigned = true
				if a.authz == "" {
					c.authz = "-"
				}
			}
			add(c)
		}
	}
	for _, q := range genericQueries {
		add(testCase{kind: kindQuery, name: trim(q), query: q})
	}
	if r.Method == "GET" {
		for _, p := range routeParams(doc, r) {
			for _, v := range badQueryValues {
				add(testCase{kind: kindQuery, name: trim(p + "=" + v), query: p + "=" + v})
			}
			if strings.HasSuffix(p, "__in") {
				add(testCase{kind: kindQuery, name: p + "=10k ids", query: p + "=" + idList(10_000)})
			}
			if strings.HasSuffix(p, "__range") {
				for _, v := range []string{"1", "1,2,3", "b,a", "2026-01-01,x"} {
					add(testCase{kind: kindQuery, name: p + "=" + v, query: p + "=" + v})
				}
			}
		}
	}
	if isWrite(r) {
		for _, b := range badBodies {
			add(testCase{kind: kindBody, name: b.name, body: []byte(b.body)})
		}
		for _, f := range fields {
			for _, group := range [][]string{wrongTypes, badStrings, badNumbers} {
				for _, v := range group {
					add(testCase{kind: kindField, name: trim(f + "=" + v), body: []byte(setField(f, v))})
				}
			}
		}
	}
	return out
}

// setField marks a field case's body: the world resolves it against the
// route's base body at send time (the base body holds placeholders).
func setField(path, value string) string { return "\x00field\x00" + path + "\x00" + value }

func fieldSpec(body []byte) (path, value string, ok bool) {
	s := string(body)
	if !strings.HasPrefix(s, "\x00field\x00") {
		return "", "", false
	}
	parts := strings.SplitN(strings.TrimPrefix(s, "\x00field\x00"), "\x00", 2)
	return parts[0], parts[1], true
}

func trim(s string) string {
	if len(s) > 60 {
		return fmt.Sprintf("%s…(%d bytes)", s[:40], len(s))
	}
	return s
}

// pick picks a bounded, deterministic subset of cases: budget per route,
// spread over the kinds round-robin so that each kind is represented.
// budget <= 0 keeps every case.
func pick(cases []testCase, budget int, seed int64) []testCase {
	if budget <= 0 || len(cases) <= budget {
		return cases
	}
	byKind := map[string][]testCase{}
	var kinds []string
	for _, c := range cases {
		if _, ok := byKind[c.kind]; !ok {
			kinds = append(kinds, c.kind)
		}
		byKind[c.kind] = append(byKind[c.kind], c)
	}
	rng := rand.New(rand.NewSource(seed))
	for _, k := range kinds {
		cs := byKind[k]
		rng.Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
	}
	var out []testCase
	for len(out) < budget {
		progressed := false
		for _, k := range kinds {
			// Field cases reach deepest (past decoding, into the rules
			// and the store): they get three turns to the others' one.
			turns := 1
			if k == kindField {
				turns = 3
			}
			for ; turns > 0 && len(byKind[k]) > 0 && len(out) < budget; turns-- {
				out = append(out, byKind[k][0])
				byKind[k] = byKind[k][1:]
				progressed = true
			}
		}
		if !progressed {
			break
		}
	}
	return out
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
