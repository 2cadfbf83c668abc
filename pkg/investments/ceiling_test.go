package investments_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// newIssuer adds an issuer of its own to the workspace (issuers are
// imported, not created through the API), so a test's 12-month totals are
// its own.
func (e *env) newIssuer() int64 {
	e.t.Helper()
	ctx := context.Background()
	id, err := e.db.NextID(ctx, e.ws, store.KindIssuer)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.db.PutMissing(ctx, e.ws, store.Objects{Issuers: []model.Issuer{{ID: id}}}, nil); err != nil {
		e.t.Fatal(err)
	}
	return id
}

// ledger is the sum of a ledger's window today.
func (e *env) ledger(key string) model.Money {
	e.t.Helper()
	ls, err := e.db.Ledgers(context.Background(), e.ws, key)
	if err != nil {
		e.t.Fatal(err)
	}
	return ls[key].Since(model.WindowStart(time.Now()))
}

// parallel sends the bodies to POST /api/investments/ at once and returns
// the responses in order.
func (e *env) parallel(bodies []map[string]any) []resp {
	out := make([]resp, len(bodies))
	var wg sync.WaitGroup
	for i, b := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = e.call("POST", "/api/investments/", e.write, b)
		}()
	}
	wg.Wait()
	return out
}

// TestIssuerCeilingRegCFEndToEnd: 227.100(a)(1) caps what one issuer sells
// in Reg CF over 12 months, all its Reg CF offerings together, at $5M.
// Racing sales into two offerings of the issuer do not pass it together;
// a cancelled sale gives its room back; the importer's rebuild of the
// ledger agrees with what the writes maintained.
func TestIssuerCeilingRegCFEndToEnd(t *testing.T) {
	e := newEnv(t)
	issuer := e.newIssuer()
	fields := map[string]any{"issuer": issuer, "maximum_amount_raised": "4500000.00"}
	a, b := e.newOffering("reg_cf", fields), e.newOffering("reg_cf", fields)
	rich := func() int64 { return e.newInvestor("person", accreditedEntity) }
	// $4,000,000 of securities (the 5% fee on top is not sold securities).
	if r := e.invest(a, rich(), 400000); r.status != 201 {
		t.Fatalf("4M in a: %d %s", r.status, r.raw)
	}
	key := fmt.Sprintf("CEILING#reg_cf#ISSUER#%012d", issuer)
	if got := e.ledger(key); got.String() != "4000000.00" {
		t.Errorf("ledger after 4M: %s", got)
	}
	// 20 racing sales of $100,000, alternately into a and b: $1M is left
	// under the ceiling, so at most 10 pass.
	var bodies []map[string]any
	for i := 0; i < 20; i++ {
		o := a
		if i%2 == 1 {
			o = b
		}
		bodies = append(bodies, map[string]any{"offering": o, "investor": rich(), "quantity": 10000})
	}
	ok := 0
	var created []map[string]any
	for i, r := range e.parallel(bodies) {
		switch r.status {
		case 201:
			ok++
			created = append(created, r.body)
		case 400, 409:
		default:
			t.Errorf("racing sale %d: %d %s", i, r.status, r.raw)
		}
	}
	if ok > 10 || ok == 0 {
		t.Errorf("%d racing sales of $100,000 passed with $1,000,000 left", ok)
	}
	t.Logf("racing: %d of 20 created", ok)
	sold := model.MustMoney("4000000.00").Add(model.MustMoney("100000.00").Mul(decimalOf(ok)))
	if got := e.ledger(key); !got.Equal(sold) {
		t.Errorf("ledger %s, sales %s", got, sold)
	}
	// Fill to exactly $5M in b, then $100 more is refused in either.
	left := model.MustMoney("5000000.00").Sub(sold)
	if left.IsPositive() {
		q := left.Div(decimalOf(10)).IntPart()
		if r := e.invest(b, rich(), int(q)); r.status != 201 {
			t.Fatalf("the rest, %s, in b: %d %s", left, r.status, r.raw)
		}
	}
	for _, o := range []int64{a, b} {
		e.refused(e.invest(o, rich(), 10), "over $5M", `{"amount":["This investment would bring the issuer's Regulation Crowdfunding sales over the past 12 months, all its offerings under that regulation together, to more than 5000000.00 (17 CFR 227.100(a)(1)); the issuer sold 5000000.00, so at most 0.00 remains."]}`)
	}
	// Another issuer's Reg CF sales are not this issuer's.
	if r := e.invest(e.newOffering("reg_cf", map[string]any{"issuer": e.newIssuer()}), rich(), 10); r.status != 201 {
		t.Errorf("another issuer: %d %s", r.status, r.raw)
	}
	// A cancelled sale leaves the 12 months.
	if len(created) > 0 {
		e.must(200, "POST", fmt.Sprintf("/api/investments/%d/cancel/", id(created[0])), nil)
		if got := e.ledger(key); !got.Equal(model.MustMoney("4900000.00").Decimal) {
			t.Errorf("ledger after a cancel: %s", got)
		}
		if r := e.invest(int64(created[0]["offering"].(float64)), rich(), 10); r.status != 201 {
			t.Errorf("within the room a cancel gave back: %d %s", r.status, r.raw)
		}
	}
	before := e.ledger(key)
	if err := e.db.RebuildLedgers(context.Background(), e.ws, time.Now()); err != nil {
		t.Fatal(err)
	}
	if got := e.ledger(key); !got.Equal(before.Decimal) {
		t.Errorf("rebuilt ledger %s, maintained %s", got, before)
	}
}

// TestIssuerCeilingRegAEndToEnd: 230.251(a) — Tier 1's $20M and Tier 2's
// $75M are each across the issuer's offerings of that tier.
func TestIssuerCeilingRegAEndToEnd(t *testing.T) {
	e := newEnv(t)
	issuer := e.newIssuer()
	tier1 := map[string]any{"issuer": issuer, "reg_a_tier": 1, "maximum_amount_raised": "15000000.00"}
	a, b := e.newOffering("reg_a", tier1), e.newOffering("reg_a", tier1)
	t2 := e.newOffering("reg_a", map[string]any{"issuer": issuer, "maximum_amount_raised": "50000000.00"})
	rich := func() int64 { return e.newInvestor("person", accreditedEntity) }
	if r := e.invest(a, rich(), 1500000); r.status != 201 {
		t.Fatalf("15M in tier 1 a: %d %s", r.status, r.raw)
	}
	if r := e.invest(b, rich(), 500000); r.status != 201 {
		t.Fatalf("5M in tier 1 b: %d %s", r.status, r.raw)
	}
	e.refused(e.invest(b, rich(), 10), "tier 1 past $20M", "Regulation A Tier 1", "20000000.00", "17 CFR 230.251(a)(1)")
	if r := e.invest(t2, rich(), 4000000); r.status != 201 {
		t.Errorf("tier 2 of the same issuer: %d %s", r.status, r.raw)
	}
}

// TestRegCFPerPersonEndToEnd: 227.100(a)(2) limits the person. Two person
// investor records of one user share one 12-month limit (racing sales
// included); a company of the same user is a person of its own.
func TestRegCFPerPersonEndToEnd(t *testing.T) {
	e := newEnv(t)
	a, b := e.newOffering("reg_cf", nil), e.newOffering("reg_cf", nil)
	user := id(e.must(201, "POST", "/api/users/", map[string]any{"email": fmt.Sprintf("person%d@example.com", time.Now().UnixNano()), "password": "s3cret-pass"}))
	// Income and net worth below $124,000: the greater of $2,500 and 5%.
	modest := map[string]any{"first_name": "Ada", "last_name": "Investor", "country": "US", "kyc_status": "passed", "us_person": true,
		"accredited_investor": false, "annual_income": "50000.00", "net_worth": "40000.00"}
	record := func(typ string) int64 {
		return id(e.must(201, "POST", "/api/investors/", map[string]any{"user": user, "type": typ, "entity": modest}))
	}
	one, two := record("person"), record("person")
	if r := e.invest(a, one, 150); r.status != 201 {
		t.Fatalf("1,500 through the first record: %d %s", r.status, r.raw)
	}
	e.refused(e.invest(b, two, 101), "1,010 more through the second record", `{"amount":["This investment exceeds the investor's Regulation Crowdfunding limit of 2500.00 over 12 months (17 CFR 227.100(a)(2)); at most 1000.00 remains."]}`)
	// Racing: 1,000 through each record at once, 1,000 left: one passes.
	rs := e.parallel([]map[string]any{{"offering": a, "investor": one, "quantity": 100}, {"offering": b, "investor": two, "quantity": 100}})
	passed := 0
	for _, r := range rs {
		switch r.status {
		case 201:
			passed++
		case 400, 409:
		default:
			t.Errorf("racing: %d %s", r.status, r.raw)
		}
	}
	if passed != 1 {
		t.Errorf("%d of two racing 1,000 sales passed with 1,000 left", passed)
	}
	if got := e.ledger(fmt.Sprintf("REGCF#USER#%012d", user)); got.String() != "2500.00" {
		t.Errorf("the person's ledger: %s", got)
	}
	// The user's company is another person under 227.100(a)(2).
	if r := e.invest(a, record("company"), 100); r.status != 201 {
		t.Errorf("the user's company: %d %s", r.status, r.raw)
	}
}

func decimalOf(n int) decimal.Decimal { return decimal.NewFromInt(int64(n)) }
