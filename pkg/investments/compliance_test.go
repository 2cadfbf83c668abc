package investments_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/investments"
)

// End-to-end tests of issue 16's findings: each rule through the HTTP
// handlers over DynamoDB Local.

// refused asserts a 400 whose body contains each of want.
func (e *env) refused(r resp, what string, want ...string) {
	e.t.Helper()
	if r.status != 400 {
		e.t.Errorf("%s: %d %s, want 400", what, r.status, r.raw)
		return
	}
	for _, w := range want {
		if !strings.Contains(string(r.raw), w) {
			e.t.Errorf("%s: %s, want it to contain %s", what, r.raw, w)
		}
	}
}

func (e *env) invest(o, investor int64, quantity int) resp {
	e.t.Helper()
	return e.call("POST", "/api/investments/", e.write, map[string]any{"offering": o, "investor": investor, "quantity": quantity})
}

var accreditedEntity = map[string]any{"accredited_investor": true, "accredited_investor_type": "income", "annual_income": "300000.00", "net_worth": "2000000.00"}

// TestDeadlineEndToEnd: an offering past its deadline_date neither opens
// nor takes investments; the deadline day itself, in the offering's
// timezone, still does.
func TestDeadlineEndToEnd(t *testing.T) {
	e := newEnv(t)
	past := time.Now().UTC().AddDate(0, 0, -2).Format(time.DateOnly)
	o := e.createOffering("reg_d_506c", map[string]any{"deadline_date": past})
	path := fmt.Sprintf("/api/offerings/%d/", o)
	r := e.call("POST", path+"open/", e.write, nil)
	want := `{"deadline_date":["The deadline ` + past + ` has passed: an offering may not open after its deadline; set a later deadline_date first."]}` + "\n"
	if r.status != 400 || string(r.raw) != want {
		t.Errorf("open past the deadline = %d %s, want 400 %s", r.status, r.raw, want)
	}
	if got := e.must(200, "GET", path, nil); got["status"] != "incomplete" || got["opened_at"] != nil {
		t.Errorf("refused open changed the offering: %v %v", got["status"], got["opened_at"])
	}

	// A later deadline, in Tokyo: it opens, and takes investments until the
	// end of the deadline day there.
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	deadline := time.Now().In(tokyo).AddDate(0, 0, 2)
	day := deadline.Format(time.DateOnly)
	e.must(200, "PATCH", path, map[string]any{"deadline_date": day, "default_timezone": "Asia/Tokyo"})
	if got := e.must(200, "POST", path+"open/", nil); got["status"] != "opened" {
		t.Fatalf("open before the deadline: %v", got["status"])
	}
	investor := e.newInvestor("person", accreditedEntity)
	end := time.Date(deadline.Year(), deadline.Month(), deadline.Day()+1, 0, 0, 0, 0, tokyo)
	clock := end.Add(-time.Nanosecond)
	defer investments.SetClock(func() time.Time { return clock })()
	if r := e.invest(o, investor, 20); r.status != 201 {
		t.Errorf("last instant of the deadline day = %d %s", r.status, r.raw)
	}
	before := e.aggregate(o)
	clock = end
	r = e.invest(o, investor, 20)
	want = `{"offering":["The offering's deadline_date ` + day + ` has passed: it takes no new investments."]}` + "\n"
	if r.status != 400 || string(r.raw) != want {
		t.Errorf("after the deadline = %d %s, want 400 %s", r.status, r.raw, want)
	}
	if a := e.checkTotals(o); a.Committed.Count != before.Committed.Count || a.Committed.Count != 1 {
		t.Errorf("refused investment counted: %+v", a)
	}
}

// TestRegSEndToEnd: 230.902(k) and 230.903 — a resident of the United
// States is a U.S. person whatever it declares, and an investor that
// declares nothing is refused with a 400 naming what is missing.
func TestRegSEndToEnd(t *testing.T) {
	e := newEnv(t)
	o := e.newOffering("reg_s", nil)
	for _, c := range []struct {
		name    string
		entity  map[string]any
		created bool
		want    []string
	}{
		{"not a US person, resident in the US", map[string]any{"us_person": false, "country": "US"}, false, []string{`"investor":`, "17 CFR 230.903", "17 CFR 230.902(k)", "whatever us_person says"}},
		{"not a US person, resident in Puerto Rico", map[string]any{"us_person": false, "country": "PR"}, false, []string{"17 CFR 230.903"}},
		{"US person abroad", map[string]any{"us_person": true, "country": "FR"}, false, []string{"17 CFR 230.903"}},
		{"nothing declared", map[string]any{"us_person": nil, "country": nil}, false, []string{
			`{"investor":["Regulation S offerings are offshore transactions only (17 CFR 230.903): the investor's entity declares neither us_person nor a country, so nothing shows it is not a US person (17 CFR 230.902(k)); set its country and us_person first."]}`}},
		{"not a US person, abroad", map[string]any{"us_person": false, "country": "FR"}, true, nil},
		{"undeclared, resident abroad", map[string]any{"us_person": nil, "country": "JP"}, true, nil},
		{"declared not a US person, no country", map[string]any{"us_person": false, "country": nil}, true, nil},
	} {
		entity := map[string]any{}
		for k, v := range accreditedEntity {
			entity[k] = v
		}
		for k, v := range c.entity {
			entity[k] = v
		}
		r := e.invest(o, e.newInvestor("person", entity), 20)
		if c.created {
			if r.status != 201 {
				t.Errorf("%s: %d %s", c.name, r.status, r.raw)
			}
			continue
		}
		e.refused(r, c.name, c.want...)
	}
	if a := e.checkTotals(o); a.Committed.Count != 3 {
		t.Errorf("committed %d investments, want 3", a.Committed.Count)
	}
}

// TestCountriesUnknownEndToEnd: an offering with excluded (or included)
// countries refuses an investor whose country is unknown.
func TestCountriesUnknownEndToEnd(t *testing.T) {
	e := newEnv(t)
	excl := e.newOffering("reg_d_506b", map[string]any{"investors_excluded_countries": []string{"RU"}})
	incl := e.newOffering("reg_d_506b", map[string]any{"investors_included_countries": []string{"US"}})
	investor := func(country any) int64 {
		entity := map[string]any{"country": country}
		for k, v := range accreditedEntity {
			entity[k] = v
		}
		return e.newInvestor("person", entity)
	}
	none, ru, us := investor(nil), investor("RU"), investor("US")
	unknown := `{"investor":["The offering accepts investors from some countries only, and the investor's entity has no country: set its country first."]}`
	e.refused(e.invest(excl, none, 20), "excluded countries, no country", unknown)
	e.refused(e.invest(incl, none, 20), "included countries, no country", unknown)
	e.refused(e.invest(excl, ru, 20), "excluded country", `{"investor":["The offering does not accept investors from RU."]}`)
	e.refused(e.invest(incl, ru, 20), "country not included", `{"investor":["The offering does not accept investors from RU."]}`)
	for _, o := range []int64{excl, incl} {
		if r := e.invest(o, us, 20); r.status != 201 {
			t.Errorf("offering %d, investor from the US: %d %s", o, r.status, r.raw)
		}
	}
	// An offering that lists no country still takes an investor with none.
	if r := e.invest(e.newOffering("reg_d_506b", nil), none, 20); r.status != 201 {
		t.Errorf("no lists, no country: %d %s", r.status, r.raw)
	}
}

// TestLimitsCountSecuritiesEndToEnd: investor-paid fees are not securities
// sold, so the Reg CF and Reg A Tier 2 limits leave them out; the declared
// Reg CF total includes the other platforms' part and is not added to it.
func TestLimitsCountSecuritiesEndToEnd(t *testing.T) {
	e := newEnv(t)
	fees := map[string]any{"administrative_fees": "25.00", "administrative_fees_paid_by_investor": true, "min_investment_amount": "10.00"}
	cf, ra := e.newOffering("reg_cf", fees), e.newOffering("reg_a", fees)
	for _, c := range []struct {
		name   string
		o      int64
		entity map[string]any
		cfr    string
	}{
		// 5% of 50,000: 2,500 over 12 months (227.100(a)(2)).
		{"reg cf", cf, map[string]any{"accredited_investor": false, "annual_income": "50000.00", "net_worth": "40000.00"}, "17 CFR 227.100(a)(2)"},
		// 10% of 25,000: 2,500 (230.251(d)(2)(i)(C)).
		{"reg a tier 2", ra, map[string]any{"accredited_investor": false, "annual_income": "25000.00", "net_worth": "0.00"}, "17 CFR 230.251(d)(2)(i)(C)"},
	} {
		investor := e.newInvestor("person", c.entity)
		r := e.invest(c.o, investor, 250)
		if r.status != 201 || r.body["price"] != "2500.00" || r.body["amount"] != "2525.00" {
			t.Errorf("%s: price at the limit with fees on top = %d %s", c.name, r.status, r.raw)
		}
		e.refused(e.invest(c.o, investor, 1), c.name+": one unit more", c.cfr)
	}
	// Declared: 1,500 in the 12 months, of which 1,500 on other platforms.
	// Counted once, 1,000 remains of 2,500.
	investor := e.newInvestor("person", map[string]any{"accredited_investor": false, "annual_income": "50000.00", "net_worth": "40000.00",
		"amount_invested_in_reg_cf_offering_this_year": "1500.00", "amount_invested_in_reg_cf_offering_this_year_other_platforms": "1500.00"})
	if r := e.invest(cf, investor, 100); r.status != 201 {
		t.Errorf("1,000 within the 1,000 left: %d %s", r.status, r.raw)
	}
	e.refused(e.invest(cf, investor, 1), "one unit over", "at most 0.00 remains", "17 CFR 227.100(a)(2)")
}

// TestRegATierEndToEnd: reg_a_tier on the offering object — 2 by default
// for reg_a, null for other types, validated on create and PATCH — and
// its rules: Tier 1's $20M ceiling and no investor limit.
func TestRegATierEndToEnd(t *testing.T) {
	e := newEnv(t)
	// The sample's reg_a offering, imported before the field existed.
	if got := e.must(200, "GET", "/api/offerings/1/", nil); got["type"] != "reg_a" || got["reg_a_tier"] != 2.0 {
		t.Errorf("imported reg_a offering: tier %v", got["reg_a_tier"])
	}
	list := e.must(200, "GET", "/api/offerings/?type=reg_a", nil)
	for _, o := range list["results"].([]any) {
		if o.(map[string]any)["reg_a_tier"] == nil {
			t.Errorf("listed reg_a offering without a tier: %v", o)
		}
	}
	t2 := e.createOffering("reg_a", nil)
	p2 := fmt.Sprintf("/api/offerings/%d/", t2)
	if got := e.must(200, "GET", p2, nil); got["reg_a_tier"] != 2.0 {
		t.Errorf("new reg_a offering: tier %v", got["reg_a_tier"])
	}
	if got := e.must(200, "GET", fmt.Sprintf("/api/offerings/%d/", e.createOffering("reg_cf", nil)), nil); got["reg_a_tier"] != nil {
		t.Errorf("reg_cf offering: tier %v", got["reg_a_tier"])
	}
	base := map[string]any{"issuer": 1, "name": "Tiered", "type": "reg_a"}
	with := func(kv ...any) map[string]any {
		b := map[string]any{}
		for k, v := range base {
			b[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			b[kv[i].(string)] = kv[i+1]
		}
		return b
	}
	for _, c := range []struct {
		name string
		body map[string]any
		want string
	}{
		{"tier 3", with("reg_a_tier", 3), `{"reg_a_tier":["\"3\" is not a valid choice."]}`},
		{"tier as text", with("reg_a_tier", "two"), `{"reg_a_tier":["A valid integer is required."]}`},
		{"null tier", with("reg_a_tier", nil), `{"reg_a_tier":["A Regulation A offering is Tier 1 or Tier 2 (17 CFR 230.251(a)): this field may not be null."]}`},
		{"tier of a reg_cf offering", with("type", "reg_cf", "reg_a_tier", 1), `{"reg_a_tier":["Only Regulation A offerings have a tier; a reg_cf offering's reg_a_tier is null."]}`},
		{"tier 1 over $20M", with("reg_a_tier", 1, "maximum_amount_raised", "20000000.01"), `{"maximum_amount_raised":["Ensure this value is less than or equal to 20000000.00: the Regulation A Tier 1 maximum over 12 months (17 CFR 230.251(a)(1))."]}`},
	} {
		if r := e.call("POST", "/api/offerings/", e.write, c.body); r.status != 400 || strings.TrimSpace(string(r.raw)) != c.want {
			t.Errorf("create, %s: %d %s, want 400 %s", c.name, r.status, r.raw, c.want)
		}
	}
	// PATCH: to Tier 1 within its ceiling, then past it.
	if got := e.must(200, "PATCH", p2, map[string]any{"reg_a_tier": 1, "maximum_amount_raised": "20000000.00"}); got["reg_a_tier"] != 1.0 {
		t.Errorf("PATCH to tier 1: %v", got["reg_a_tier"])
	}
	e.refused(e.call("PATCH", p2, e.write, map[string]any{"maximum_amount_raised": "20000000.01"}), "tier 1 over $20M", "17 CFR 230.251(a)(1)")
	e.refused(e.call("PATCH", p2, e.write, map[string]any{"reg_a_tier": 2, "maximum_amount_raised": "75000000.01"}), "tier 2 over $75M", "17 CFR 230.251(a)(2)")
	if got := e.must(200, "GET", p2, nil); got["reg_a_tier"] != 1.0 || got["maximum_amount_raised"] != "20000000.00" {
		t.Errorf("refused PATCHes changed the offering: %v %v", got["reg_a_tier"], got["maximum_amount_raised"])
	}
	// An incomplete reg_a offering that becomes reg_cf has no tier.
	if got := e.must(200, "PATCH", p2, map[string]any{"type": "reg_cf", "maximum_amount_raised": "1000000.00"}); got["reg_a_tier"] != nil {
		t.Errorf("reg_a → reg_cf kept tier %v", got["reg_a_tier"])
	}

	// Investing: 6,000 is over 10% of a non-accredited purchaser's 50,000
	// in Tier 2, and unlimited in Tier 1.
	tier1 := e.newOffering("reg_a", map[string]any{"reg_a_tier": 1})
	tier2 := e.newOffering("reg_a", nil)
	investor := e.newInvestor("person", map[string]any{"accredited_investor": false, "annual_income": "50000.00", "net_worth": "50000.00"})
	if r := e.invest(tier1, investor, 600); r.status != 201 {
		t.Errorf("tier 1, over 10%%: %d %s", r.status, r.raw)
	}
	e.refused(e.invest(tier2, investor, 600), "tier 2, over 10%", "Regulation A Tier 2", "17 CFR 230.251(d)(2)(i)(C)")
}

// Test506bReclassificationEndToEnd: 230.506(b)(2)(i) counts each
// purchaser by its status at each sale. An investor who bought as
// accredited and, PATCHed to non-accredited, buys again becomes a
// non-accredited purchaser (the counter moves), and the 36th is refused.
func Test506bReclassificationEndToEnd(t *testing.T) {
	e := newEnv(t)
	o := e.newOffering("reg_d_506b", nil)
	for i := 0; i < 34; i++ {
		if r := e.invest(o, e.storeInvestor(false), 10); r.status != 201 {
			t.Fatalf("non-accredited purchaser %d: %d %s", i+1, r.status, r.raw)
		}
	}
	nonAcc := func(want int64, what string) {
		t.Helper()
		if got := e.aggregate(o).NonAccredited; got != want {
			t.Errorf("%s: %d non-accredited purchasers, want %d", what, got, want)
		}
	}
	nonAcc(34, "34 bought")
	reclassify := func(investor int64) {
		t.Helper()
		e.must(200, "PATCH", fmt.Sprintf("/api/investors/%d/", investor), map[string]any{"entity": map[string]any{"accredited_investor": false}})
	}
	x := e.newInvestor("person", accreditedEntity)
	e.must(201, "POST", "/api/investments/", map[string]any{"offering": o, "investor": x, "quantity": 10})
	nonAcc(34, "x bought as accredited")
	reclassify(x)
	e.must(201, "POST", "/api/investments/", map[string]any{"offering": o, "investor": x, "quantity": 10})
	nonAcc(35, "x bought again as non-accredited")
	e.must(201, "POST", "/api/investments/", map[string]any{"offering": o, "investor": x, "quantity": 10})
	nonAcc(35, "x, already counted, bought a third time")

	y := e.newInvestor("person", accreditedEntity)
	e.must(201, "POST", "/api/investments/", map[string]any{"offering": o, "investor": y, "quantity": 10})
	reclassify(y)
	capMsg := `{"investor":["Regulation D 506(b) offerings may have at most 35 non-accredited purchasers (17 CFR 230.506(b)(2)(i))."]}`
	e.refused(e.invest(o, y, 10), "y as the 36th non-accredited purchaser", capMsg)
	e.refused(e.invest(o, e.storeInvestor(false), 10), "a new 36th non-accredited purchaser", capMsg)
	if r := e.invest(o, e.storeInvestor(true), 10); r.status != 201 {
		t.Errorf("accredited purchaser past 35: %d %s", r.status, r.raw)
	}
	nonAcc(35, "after the refusals")
	e.checkTotals(o)
	// The importer's rebuild (from the investments) agrees with the counter.
	if err := e.db.RebuildAggregates(context.Background(), e.ws, o); err != nil {
		t.Fatal(err)
	}
	nonAcc(35, "rebuilt")
}
