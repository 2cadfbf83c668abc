package investments_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/auth"
)

// rules indexes a decision's rule checks by rule name.
func rules(t *testing.T, rec map[string]any) map[string]map[string]any {
	t.Helper()
	d, ok := rec["decision"].(map[string]any)
	if !ok {
		t.Fatalf("no decision on %v", rec)
	}
	out := map[string]map[string]any{}
	for _, r := range d["rules"].([]any) {
		c := r.(map[string]any)
		out[c["rule"].(string)] = c
	}
	return out
}

// TestAuditEndToEnd: every sale stores the inputs and computed limit of
// every rule it was checked against, and the investment's and the
// offering's audit trails (decisions and state changes, with time and
// actor) read through the API, paginated and scoped like the details.
func TestAuditEndToEnd(t *testing.T) {
	e := newEnv(t)
	o := e.newOffering("reg_cf", map[string]any{"issuer": e.newIssuer()})
	investor := e.newInvestor("person", map[string]any{"accredited_investor": false, "annual_income": "50000.00", "net_worth": "40000.00",
		"amount_invested_in_reg_cf_offering_this_year": "600.00", "amount_invested_in_reg_cf_offering_this_year_other_platforms": "500.00"})
	first := id(e.must(201, "POST", "/api/investments/", map[string]any{"offering": o, "investor": investor, "quantity": 20}))
	second := id(e.must(201, "POST", "/api/investments/", map[string]any{"offering": o, "investor": investor, "quantity": 30}))
	e.must(200, "POST", fmt.Sprintf("/api/investments/%d/receive/", second), nil)

	trail := e.must(200, "GET", fmt.Sprintf("/api/investments/%d/audit/", second), nil)
	res := trail["results"].([]any)
	if len(res) != 2 || trail["next"] != nil {
		t.Fatalf("investment trail: %v", trail)
	}
	created, received := res[0].(map[string]any), res[1].(map[string]any)
	if created["action"] != "create" || created["to"] != "started" || !strings.HasPrefix(created["actor"].(string), "key:") || created["at"] == nil {
		t.Errorf("create record: %v", created)
	}
	if received["action"] != "receive" || received["from"] != "started" || received["to"] != "received" || received["decision"] != nil {
		t.Errorf("receive record: %v", received)
	}
	d := created["decision"].(map[string]any)
	in := d["inputs"].(map[string]any)
	if d["regulation"] != "Regulation Crowdfunding" || d["price"] != "300.00" || in["annual_income"] != "50000.00" || in["net_worth"] != "40000.00" ||
		in["amount_invested_in_reg_cf_offering_this_year"] != "600.00" || in["amount_invested_in_reg_cf_offering_this_year_other_platforms"] != "500.00" ||
		in["declared_as_of"] == nil || in["accredited_investor"] != false || in["verification_status"] != "unverified" {
		t.Errorf("decision inputs: %v", d)
	}
	rs := rules(t, created)
	// Reg CF limit 2,500; before this sale: other platforms 500 + this
	// platform 200 = 700 > the declared 600, so 700.
	if l := rs["investor_limit"]; l["limit"] != "2500.00" || l["prior"] != "700.00" || l["cfr"] != "17 CFR 227.100(a)(2)" || l["outcome"] != "passed" ||
		!strings.Contains(l["note"].(string), "this platform's 12-month total 200.00") || l["window"] == "" {
		t.Errorf("investor limit: %v", l)
	}
	if c := rs["issuer_ceiling"]; c["limit"] != "5000000.00" || c["prior"] != "200.00" || c["cfr"] != "17 CFR 227.100(a)(1)" {
		t.Errorf("issuer ceiling: %v", c)
	}
	if m := rs["maximum_amount_raised"]; m["limit"] != "1000000.00" {
		t.Errorf("maximum raised: %v", m)
	}

	// The offering's trail: create, open, then each sale with its decision.
	ot := e.must(200, "GET", fmt.Sprintf("/api/offerings/%d/audit/", o), nil)
	var actions []string
	for _, r := range ot["results"].([]any) {
		rec := r.(map[string]any)
		actions = append(actions, rec["action"].(string))
		if rec["action"] == "sale" && (rec["investment"] == nil || rec["decision"] == nil) {
			t.Errorf("sale record: %v", rec)
		}
	}
	if strings.Join(actions, ",") != "create,open,sale,sale" {
		t.Errorf("offering trail actions: %v", actions)
	}
	// One record a page, following next.
	page := e.must(200, "GET", fmt.Sprintf("/api/offerings/%d/audit/?limit=1", o), nil)
	seen := 0
	for page != nil {
		seen += len(page["results"].([]any))
		next, _ := page["next"].(string)
		if next == "" {
			break
		}
		u, err := url.Parse(next)
		if err != nil || u.Query().Get("limit") != "1" {
			t.Fatalf("next %q", next)
		}
		page = e.must(200, "GET", u.RequestURI(), nil)
	}
	if seen != 4 {
		t.Errorf("paged through %d records, want 4", seen)
	}
	e.refused(e.call("GET", fmt.Sprintf("/api/offerings/%d/audit/?limit=x", o), e.write, nil), "bad limit", `{"limit":["A valid integer is required."]}`)

	// Scoped like the details: a key of another offering sees neither.
	other, err := auth.Mint(context.Background(), e.db, e.ws, auth.ScopeOffering, first+100000, false, "other", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fmt.Sprintf("/api/offerings/%d/audit/", o), fmt.Sprintf("/api/investments/%d/audit/", first)} {
		if r := e.call("GET", path, other.Secret, nil); r.status != 404 {
			t.Errorf("%s with another offering's key: %d", path, r.status)
		}
		if r := e.call("GET", path, e.read, nil); r.status != 200 {
			t.Errorf("%s with a read key: %d %s", path, r.status, r.raw)
		}
	}

	// A 506(c) sale records the verification it relied on; a 506(b) sale
	// the purchaser count.
	c := e.newOffering("reg_d_506c", nil)
	sale := id(e.must(201, "POST", "/api/investments/", map[string]any{"offering": c, "investor": e.newInvestor("person", accreditedEntity), "quantity": 10}))
	rec := e.must(200, "GET", fmt.Sprintf("/api/investments/%d/audit/", sale), nil)["results"].([]any)[0].(map[string]any)
	v := rec["decision"].(map[string]any)["inputs"].(map[string]any)
	if v["verification_status"] != "verified" || v["verification"].(map[string]any)["method"] != "net_worth" {
		t.Errorf("506(c) decision inputs: %v", v)
	}
	if a := rules(t, rec)["accredited_only"]; a["cfr"] != "17 CFR 230.506(c)(2)(ii)" || !strings.Contains(a["note"].(string), "verification verified") {
		t.Errorf("506(c) rule: %v", a)
	}
	b := e.newOffering("reg_d_506b", nil)
	sale = id(e.must(201, "POST", "/api/investments/", map[string]any{"offering": b, "investor": e.storeInvestor(false), "quantity": 10}))
	rec = e.must(200, "GET", fmt.Sprintf("/api/investments/%d/audit/", sale), nil)["results"].([]any)[0].(map[string]any)
	if n := rules(t, rec)["non_accredited_purchasers"]; n["count"] != 0.0 || n["max"] != 35.0 || n["cfr"] != "17 CFR 230.506(b)(2)(i)" {
		t.Errorf("506(b) rule: %v", n)
	}
}

// TestMaxInvestmentPerInvestorEndToEnd: max_investment_amount caps what
// one investor holds in the offering, not each investment, racing
// investments included.
func TestMaxInvestmentPerInvestorEndToEnd(t *testing.T) {
	e := newEnv(t)
	o := e.newOffering("reg_d_506b", map[string]any{"max_investment_amount": "1000.00"})
	x := e.newInvestor("person", accreditedEntity)
	if r := e.invest(o, x, 60); r.status != 201 {
		t.Fatalf("600: %d %s", r.status, r.raw)
	}
	e.refused(e.invest(o, x, 50), "600 + 500", `{"amount":["The maximum investment, 1000.00, is per investor across the offering: this investor already holds 600.00 in it, so at most 400.00 more."]}`)
	if r := e.invest(o, x, 40); r.status != 201 {
		t.Errorf("600 + 400: %d %s", r.status, r.raw)
	}
	e.refused(e.invest(o, e.newInvestor("person", accreditedEntity), 110), "one investment over", `{"amount":["The maximum investment is 1000.00."]}`)
	if r := e.invest(o, e.newInvestor("person", accreditedEntity), 100); r.status != 201 {
		t.Errorf("another investor, 1000: %d %s", r.status, r.raw)
	}
	// A cancelled investment no longer counts.
	y := e.newInvestor("person", accreditedEntity)
	first := id(e.must(201, "POST", "/api/investments/", map[string]any{"offering": o, "investor": y, "quantity": 100}))
	e.must(200, "POST", fmt.Sprintf("/api/investments/%d/cancel/", first), nil)
	if r := e.invest(o, y, 100); r.status != 201 {
		t.Errorf("after a cancel: %d %s", r.status, r.raw)
	}
	// Racing: two 600s of one investor, one passes.
	z := e.newInvestor("person", accreditedEntity)
	passed := 0
	for _, r := range e.parallel([]map[string]any{{"offering": o, "investor": z, "quantity": 60}, {"offering": o, "investor": z, "quantity": 60}}) {
		switch r.status {
		case 201:
			passed++
		case 400, 409:
		default:
			t.Errorf("racing: %d %s", r.status, r.raw)
		}
	}
	if passed != 1 {
		t.Errorf("%d of two racing 600s passed under a 1,000 maximum per investor", passed)
	}
}
