package investments_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/investments"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/offerings"
	"github.com/tranche-dev/tranche/pkg/store"
)

// openOffering creates and opens an offering through the offering service
// (no HTTP): a 506(b) offering of $10 units, $100 minimum and the given
// maximum.
func openOffering(t *testing.T, e *env, p *auth.Principal, maximum string) *model.Offering {
	t.Helper()
	ctx := context.Background()
	svc := offerings.NewService(e.db, nil, nil)
	deadline := model.DateOf(time.Now().AddDate(0, 0, 30))
	o := &model.Offering{
		Issuer: e.newIssuer(), Name: "Service test", Type: "reg_d_506b", Status: "incomplete",
		UnitPrice: ptr(model.MustMoney("10.00")), MinInvestmentAmount: ptr(model.MustMoney("100.00")),
		MaximumAmountRaised: ptr(model.MustMoney(maximum)), SigningFullName: ptr("Grace Issuer"),
		SigningEmail: ptr("grace@issuer.example.com"), AccreditedInvestors: true, NonAccreditedInvestors: true,
		DeadlineDate: &deadline, DefaultTimezone: "UTC", CreatedAt: model.NewTime(time.Now()),
		InvestorsExcludedCountries: model.StringList{}, InvestorsIncludedCountries: model.StringList{},
	}
	if err := svc.Create(ctx, p, o); err != nil {
		t.Fatalf("create offering: %v", err)
	}
	opened, err := svc.Transition(ctx, p, o.ID, "open")
	if err != nil {
		t.Fatalf("open offering: %v", err)
	}
	return opened
}

func ptr[T any](v T) *T { return &v }

// fieldError asserts err is a 400 naming field.
func fieldError(t *testing.T, err error, field string) {
	t.Helper()
	var ae *apierr.Error
	if !errors.As(err, &ae) || ae.Kind != apierr.Invalid || len(ae.Fields[field]) == 0 {
		t.Fatalf("err = %v, want a field error on %s", err, field)
	}
}

// TestInvestingService drives the investing service without HTTP, on
// DynamoDB Local: a sale is written with the running totals, one over the
// offering's maximum is a field error that changes nothing, lifecycle
// actions go through the state machine (an illegal one is a
// *model.TransitionError), reconfirming with nothing to reconfirm is a
// conflict, and a principal scoped elsewhere sees a 404.
func TestInvestingService(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := &auth.Principal{Workspace: e.ws, KeyID: "service-test", Scope: auth.ScopeWorkspace, Write: true}
	o := openOffering(t, e, p, "1000.00")
	investor := e.storeInvestor(true)
	svc := investments.NewService(e.db)

	q := int64(30)
	inv, graph, err := svc.Create(ctx, p, investments.CreateInput{Offering: o.ID, Investor: investor, Quantity: &q})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if inv.Status != model.StatusStarted || inv.Offering != o.ID || inv.Investor != investor || !inv.Amount.Equal(model.MustMoney("300").Decimal) {
		t.Fatalf("created %+v", inv)
	}
	if graph.Investor == nil || graph.Investor.ID != investor {
		t.Fatalf("graph of investor %d: %+v", investor, graph.Investor)
	}
	stored, err := e.db.InvestmentForWrite(ctx, e.ws, inv.ID)
	if err != nil || !stored.Amount.Equal(model.MustMoney("300").Decimal) {
		t.Fatalf("stored %+v, %v", stored, err)
	}
	before := e.checkTotals(o.ID)
	if !before.Committed.Amount.Equal(model.MustMoney("300").Decimal) {
		t.Fatalf("committed %s after a $300 sale", before.Committed.Amount)
	}

	// Over the maximum: refused, nothing written.
	big := int64(80)
	if _, _, err := svc.Create(ctx, p, investments.CreateInput{Offering: o.ID, Investor: investor, Quantity: &big}); err == nil {
		t.Fatal("a sale over the maximum was accepted")
	} else {
		var ae *apierr.Error
		if !errors.As(err, &ae) || ae.Kind != apierr.Invalid {
			t.Fatalf("over the maximum: %v, want a 400", err)
		}
	}
	if after := e.checkTotals(o.ID); !after.Committed.Amount.Equal(before.Committed.Amount.Decimal) || after.Committed.Count != before.Committed.Count {
		t.Fatalf("a refused sale moved the totals: %+v → %+v", before.Committed, after.Committed)
	}

	// Unknown offering and investor are field errors.
	_, _, err = svc.Create(ctx, p, investments.CreateInput{Offering: 987654, Investor: investor, Quantity: &q})
	fieldError(t, err, "offering")
	_, _, err = svc.Create(ctx, p, investments.CreateInput{Offering: o.ID, Investor: 987654, Quantity: &q})
	fieldError(t, err, "investor")

	// Lifecycle: cancel, then approve is illegal.
	cancelled, _, err := svc.Act(ctx, p, inv.ID, model.ActionCancel)
	if err != nil || cancelled.Status != model.StatusCancelled {
		t.Fatalf("cancel: %+v, %v", cancelled, err)
	}
	var te *model.TransitionError
	if _, _, err := svc.Act(ctx, p, inv.ID, model.ActionApprove); !errors.As(err, &te) {
		t.Fatalf("approve a cancelled investment: %v, want a TransitionError", err)
	}
	var ae *apierr.Error
	if _, _, err := svc.Reconfirm(ctx, p, inv.ID); !errors.As(err, &ae) || ae.Kind != apierr.Conflict {
		t.Fatalf("reconfirm with nothing to reconfirm: %v, want a conflict", err)
	}

	// A key of another issuer does not see the investment.
	other := &auth.Principal{Workspace: e.ws, KeyID: "other", Scope: auth.ScopeIssuer, ScopeID: e.newIssuer(), Write: true}
	if _, _, err := svc.Act(ctx, other, inv.ID, model.ActionCancel); !errors.As(err, &ae) || ae.Kind != apierr.NotFound {
		t.Fatalf("another issuer's key: %v, want a 404", err)
	}
	_, _, err = svc.Create(ctx, other, investments.CreateInput{Offering: o.ID, Investor: investor, Quantity: &q})
	fieldError(t, err, "offering")
}

// TestInvestingServiceRace: parallel sales near the maximum through the
// service alone never raise more than the maximum (the running totals'
// condition and the service's re-plan), and each refusal is a 400.
func TestInvestingServiceRace(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := &auth.Principal{Workspace: e.ws, KeyID: "service-race", Scope: auth.ScopeWorkspace, Write: true}
	o := openOffering(t, e, p, "500.00")
	svc := investments.NewService(e.db)
	const n = 8
	investors := make([]int64, n)
	for i := range investors {
		investors[i] = e.storeInvestor(true)
	}
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func(i int) {
			q := int64(10) // $100 each: at most 5 fit
			_, _, err := svc.Create(ctx, p, investments.CreateInput{Offering: o.ID, Investor: investors[i], Quantity: &q})
			errs <- err
		}(i)
	}
	ok := 0
	for i := 0; i < n; i++ {
		err := <-errs
		if err == nil {
			ok++
			continue
		}
		var ae *apierr.Error
		if !errors.As(err, &ae) || ae.Kind != apierr.Invalid {
			t.Errorf("a refused sale: %v, want a 400", err)
		}
	}
	agg := e.checkTotals(o.ID)
	if ok != 5 || agg.Committed.Count != 5 || !agg.Committed.Amount.Equal(model.MustMoney("500").Decimal) {
		t.Fatalf("%d sales accepted, totals %+v; want 5 and $500", ok, agg.Committed)
	}
}

// TestInvestingServicePerInvestorRace: parallel sales of one investor
// under the offering's per-investor maximum: exactly one passes, the others
// are re-planned on the holding the first wrote and refused with the
// per-investor field error (the write is conditioned on the holding the
// rules read: store.InvestmentCreate.Held).
func TestInvestingServicePerInvestorRace(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := &auth.Principal{Workspace: e.ws, KeyID: "service-per-investor", Scope: auth.ScopeWorkspace, Write: true}
	o := openOffering(t, e, p, "100000.00")
	if _, err := offerings.NewService(e.db, nil, nil).Update(ctx, p, o.ID, map[string]json.RawMessage{"max_investment_amount": json.RawMessage(`"1000.00"`)}); err != nil {
		t.Fatal(err)
	}
	svc := investments.NewService(e.db)
	investor := e.storeInvestor(true)
	const n = 6
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() {
			q := int64(60) // $600 each: one fits under $1,000 per investor
			_, _, err := svc.Create(ctx, p, investments.CreateInput{Offering: o.ID, Investor: investor, Quantity: &q})
			errs <- err
		}()
	}
	ok := 0
	for i := 0; i < n; i++ {
		err := <-errs
		if err == nil {
			ok++
			continue
		}
		var ae *apierr.Error
		if !errors.As(err, &ae) || ae.Kind != apierr.Invalid || len(ae.Fields["amount"]) == 0 {
			t.Errorf("a refused sale: %v, want a 400 on amount", err)
		}
	}
	h, err := e.db.Holding(ctx, e.ws, o.ID, investor)
	if err != nil {
		t.Fatal(err)
	}
	held := h.CommittedPrice
	if ok != 1 || !held.Equal(model.MustMoney("600").Decimal) {
		t.Fatalf("%d of %d racing $600 sales passed, the investor holds %s; want 1 and 600", ok, n, held)
	}
}

// TestSaleWriteConditionedOnHoldingRead: what the sale rules read of the
// investor's holding (committed price, already counted as non-accredited)
// is guarded by one version condition on the write. A sale planned on a
// holding that another sale has since moved is ErrStale (the service
// re-plans it); planned on the current holding it is written.
func TestSaleWriteConditionedOnHoldingRead(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := &auth.Principal{Workspace: e.ws, KeyID: "service-holding", Scope: auth.ScopeWorkspace, Write: true}
	o := openOffering(t, e, p, "100000.00")
	investor := e.storeInvestor(false) // non-accredited: 506(b) counts it
	before, err := e.db.Holding(ctx, e.ws, o.ID, investor)
	if err != nil {
		t.Fatal(err)
	}
	if before.CountedNonAccredited || !before.CommittedPrice.IsZero() {
		t.Fatalf("holding before any sale: %+v", before)
	}
	q := int64(20)
	first, _, err := investments.NewService(e.db).Create(ctx, p, investments.CreateInput{Offering: o.ID, Investor: investor, Quantity: &q})
	if err != nil {
		t.Fatal(err)
	}
	after, err := e.db.Holding(ctx, e.ws, o.ID, investor)
	if err != nil {
		t.Fatal(err)
	}
	if !after.CountedNonAccredited || !after.CommittedPrice.Equal(model.MustMoney("200").Decimal) || after.Version == before.Version {
		t.Fatalf("holding after a $200 non-accredited sale: %+v (before %+v)", after, before)
	}
	_, version, err := e.db.OfferingForWrite(ctx, e.ws, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	again := func(h store.Holding) error {
		inv := *first
		inv.ID, inv.ReferenceID = 0, ""
		return e.db.CreateInvestment(ctx, e.ws, &inv, store.InvestmentCreate{OfferingVersion: version, NonAccredited: true, Held: &h})
	}
	if err := again(before); !errors.Is(err, store.ErrStale) {
		t.Fatalf("a sale planned on the holding before the first sale: %v, want ErrStale", err)
	}
	if err := again(after); err != nil {
		t.Fatalf("a sale planned on the current holding: %v", err)
	}
}
