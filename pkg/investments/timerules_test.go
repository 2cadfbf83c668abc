package investments_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/investments"
	"github.com/tranche-dev/tranche/pkg/mail/mailtest"
	"github.com/tranche-dev/tranche/pkg/model"
)

// investorWithEmail creates an accredited person investor whose user has
// a fresh e-mail, returned with it.
func (e *env) investorWithEmail() (int64, string) {
	e.t.Helper()
	email := fmt.Sprintf("notice%d@example.com", time.Now().UnixNano())
	u := e.must(201, "POST", "/api/users/", map[string]any{"email": email, "password": "s3cret-pass"})
	entity := map[string]any{"first_name": "Ada", "last_name": "Investor", "country": "US", "kyc_status": "passed", "us_person": true}
	for k, v := range accreditedEntity {
		entity[k] = v
	}
	return id(e.must(201, "POST", "/api/investors/", map[string]any{"user": id(u), "type": "person", "entity": entity})), email
}

// TestEarlyCloseEndToEnd: 227.304(b) — a documented action moves the
// deadline earlier, at least five business days ahead and 21 days after
// the offering became public, once the target is met; investors with
// commitments are e-mailed; the 48-hour cancellation right follows the
// new deadline; and the escrow cannot close before 21 days public.
func TestEarlyCloseEndToEnd(t *testing.T) {
	e := newEnv(t)
	far := time.Now().UTC().AddDate(0, 2, 0).Format(time.DateOnly)
	o := e.newOffering("reg_cf", map[string]any{"issuer": e.newIssuer(), "deadline_date": far, "minimum_amount_raised": "1000.00"})
	path := fmt.Sprintf("/api/offerings/%d/", o)
	soon := model.AddBusinessDays(time.Now().UTC(), 10).String()
	// Target not met.
	e.refused(e.call("POST", path+"early-close/", e.write, map[string]any{"deadline_date": soon}), "target not met", "227.304(b)", "target")
	investor, email := e.investorWithEmail()
	r := e.invest(o, investor, 100)
	if r.status != 201 {
		t.Fatalf("1,000: %d %s", r.status, r.raw)
	}
	e.must(200, "POST", fmt.Sprintf("/api/investments/%d/receive/", id(r.body)), nil)
	// Opened today: the escrow may not close, and the new deadline must be
	// 21 days after the opening.
	e.refused409(e.call("POST", path+"escrow-close/", e.write, nil), "17 CFR 227.303(a)")
	e.refused(e.call("POST", path+"early-close/", e.write, map[string]any{"deadline_date": soon}), "under 21 days public", "17 CFR 227.304(b)(1)")
	e.backdateOpened(o, 30*24*time.Hour)
	// Fewer than five business days ahead.
	four := model.AddBusinessDays(time.Now().UTC(), 4).String()
	e.refused(e.call("POST", path+"early-close/", e.write, map[string]any{"deadline_date": four}), "4 business days", "at least 5 business days", "227.304(b)(2)")
	e.refused(e.call("POST", path+"early-close/", e.write, map[string]any{"deadline_date": "soon"}), "not a date", `"deadline_date"`)
	e.refused(e.call("POST", path+"early-close/", e.write, map[string]any{"deadline_date": time.Now().UTC().AddDate(0, 3, 0).Format(time.DateOnly)}), "later", "earlier than the current")
	// Five business days: accepted, noticed, audited.
	five := model.AddBusinessDays(time.Now().UTC(), 5).String()
	got := e.must(200, "POST", path+"early-close/", map[string]any{"deadline_date": five})
	if got["deadline_date"] != five || got["previous_deadline_date"] != far || got["notified"] != 1.0 || got["cancel_until"] == nil {
		t.Errorf("early close: %v", got)
	}
	if o := e.must(200, "GET", path, nil); o["deadline_date"] != five {
		t.Errorf("deadline after the early close: %v", o["deadline_date"])
	}
	mails := mailtest.To(t, email)
	if len(mails) != 1 || !strings.Contains(mails[0].Subject, "close early, on "+five) || !strings.Contains(mails[0].Body.Text, "48 hours before the new deadline") {
		t.Errorf("notice: %+v", mails)
	}
	trail := e.must(200, "GET", path+"audit/", nil)["results"].([]any)
	last := trail[len(trail)-1].(map[string]any)
	if last["action"] != "early_close" || last["from"] != far || last["to"] != five || !strings.Contains(last["detail"].(string), "227.304(b)") {
		t.Errorf("audit: %v", last)
	}
	// Cancellation until 48 hours before the new deadline (227.304(a)).
	until, _ := time.Parse(time.RFC3339Nano, got["cancel_until"].(string))
	inv2, _ := e.investorWithEmail()
	sale := id(e.must(201, "POST", "/api/investments/", map[string]any{"offering": o, "investor": inv2, "quantity": 10}))
	restore := investments.SetClock(func() time.Time { return until })
	e.refused409(e.call("POST", fmt.Sprintf("/api/investments/%d/cancel/", sale), e.write, nil), "227.304(a)")
	restore()
	restore = investments.SetClock(func() time.Time { return until.Add(-time.Second) })
	e.must(200, "POST", fmt.Sprintf("/api/investments/%d/cancel/", sale), nil)
	restore()
}

// TestReconfirmationEndToEnd: 227.304(c) — a material change marks the
// open commitments, e-mails the investors, blocks the escrow close; a
// reconfirmation clears the mark; after five business days the others are
// cancelled, and cannot be reconfirmed any more.
func TestReconfirmationEndToEnd(t *testing.T) {
	e := newEnv(t)
	o := e.newOffering("reg_cf", map[string]any{"issuer": e.newIssuer(), "deadline_date": time.Now().UTC().Format(time.DateOnly), "minimum_amount_raised": "100.00"})
	path := fmt.Sprintf("/api/offerings/%d/", o)
	a, email := e.investorWithEmail()
	b, _ := e.investorWithEmail()
	ia := id(e.must(201, "POST", "/api/investments/", map[string]any{"offering": o, "investor": a, "quantity": 10}))
	ib := id(e.must(201, "POST", "/api/investments/", map[string]any{"offering": o, "investor": b, "quantity": 10}))
	for _, i := range []int64{ia, ib} {
		e.must(200, "POST", fmt.Sprintf("/api/investments/%d/receive/", i), nil)
	}
	e.refused(e.call("POST", path+"material-change/", e.write, map[string]any{}), "no description", `{"description":["This field is required."]}`)
	got := e.must(200, "POST", path+"material-change/", map[string]any{"description": "The unit price drops to 8.00."})
	if len(got["investments"].([]any)) != 2 || got["notified"] != 2.0 || got["reconfirm_by"] == nil {
		t.Fatalf("material change: %v", got)
	}
	if m := mailtest.To(t, email); len(m) != 1 || !strings.Contains(m[0].Body.Text, "The unit price drops to 8.00.") || !strings.Contains(m[0].Body.Text, "227.304(c)") {
		t.Errorf("notice: %+v", m)
	}
	by, _ := time.Parse(time.RFC3339Nano, got["reconfirm_by"].(string))
	if days := time.Until(by); days < 5*24*time.Hour || days > 12*24*time.Hour {
		t.Errorf("reconfirm by %s: not five business days ahead", by)
	}
	e.must(200, "POST", fmt.Sprintf("/api/investments/%d/reconfirm/", ia), nil)
	e.refused409(e.call("POST", fmt.Sprintf("/api/investments/%d/reconfirm/", ia), e.write, nil), "nothing to reconfirm")
	// b awaits reconfirmation: no escrow close (the offering is public
	// long enough and past its cancellation window otherwise).
	e.backdateOpened(o, 30*24*time.Hour)
	e.refused409(e.call("POST", path+"escrow-close/", e.write, nil), "await reconfirmation")
	// Before the period ends nothing is cancelled; after it, b is.
	if r := e.must(200, "POST", path+"cancel-unconfirmed/", nil); r["cancelled"] != 0.0 {
		t.Errorf("early cancel-unconfirmed: %v", r)
	}
	restore := investments.SetClock(func() time.Time { return by.Add(time.Second) })
	e.refused409(e.call("POST", fmt.Sprintf("/api/investments/%d/reconfirm/", ib), e.write, nil), "period ended")
	restore()
	// Five business days pass for b (its mark moved into the past, as the
	// offerings' clock is not the test's to move).
	ctx := context.Background()
	inv, err := e.db.InvestmentForWrite(ctx, e.ws, ib)
	if err != nil {
		t.Fatal(err)
	}
	next := *inv
	past := model.NewTime(time.Now().Add(-time.Minute))
	next.ReconfirmBy = &past
	if err := e.db.UpdateInvestment(ctx, e.ws, inv, &next, nil, "test", time.Now()); err != nil {
		t.Fatal(err)
	}
	r := e.must(200, "POST", path+"cancel-unconfirmed/", nil)
	if r["cancelled"] != 1.0 {
		t.Fatalf("cancel-unconfirmed: %v", r)
	}
	if got := e.must(200, "GET", fmt.Sprintf("/api/investments/%d/", ib), nil); got["status"] != "cancelled" {
		t.Errorf("b: %v", got["status"])
	}
	if got := e.must(200, "GET", fmt.Sprintf("/api/investments/%d/", ia), nil); got["status"] != "received" && got["status"] != "approved" && got["status"] != "accepted" {
		t.Errorf("a: %v", got["status"])
	}
	// Each step is on the investments' trails.
	var actions []string
	for _, rec := range e.must(200, "GET", fmt.Sprintf("/api/investments/%d/audit/", ib), nil)["results"].([]any) {
		actions = append(actions, rec.(map[string]any)["action"].(string))
	}
	if !strings.HasPrefix(strings.Join(actions, ","), "create,receive") || !strings.HasSuffix(strings.Join(actions, ","), "reconfirmation_required,cancel") {
		t.Errorf("b's trail: %v", actions)
	}
	e.checkTotals(o)
}
