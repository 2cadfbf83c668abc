package offerings_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/offerings"
	"github.com/tranche-dev/tranche/pkg/store"
	"github.com/tranche-dev/tranche/pkg/store/storetest"
)

func ptr[T any](v T) *T { return &v }

// newOffering is a 506(b) offering of issuer 1 with every field opening
// needs except those in drop.
func newOffering(issuer int64) *model.Offering {
	deadline := model.DateOf(time.Now().AddDate(0, 0, 30))
	return &model.Offering{
		Issuer: issuer, Name: "Service test", Type: "reg_d_506b", Status: "incomplete",
		UnitPrice: ptr(model.MustMoney("10.00")), MinInvestmentAmount: ptr(model.MustMoney("100.00")),
		MaximumAmountRaised: ptr(model.MustMoney("1000.00")), SigningFullName: ptr("Grace Issuer"),
		SigningEmail: ptr("grace@issuer.example.com"), AccreditedInvestors: true, NonAccreditedInvestors: true,
		DeadlineDate: &deadline, DefaultTimezone: "UTC", CreatedAt: model.NewTime(time.Now()),
		InvestorsExcludedCountries: model.StringList{}, InvestorsIncludedCountries: model.StringList{},
	}
}

func kindOf(err error) (apierr.Kind, bool) {
	var ae *apierr.Error
	if !errors.As(err, &ae) {
		return 0, false
	}
	return ae.Kind, true
}

// TestOfferingService drives the offering lifecycle service without HTTP,
// on DynamoDB Local: create (unknown issuer refused, slug from the name),
// open (missing fields refused by name, nothing written), pause, an
// illegal transition (409, nothing written), PATCH by body, refunds and
// escrow close's rules, API keys, and a principal of another issuer seeing
// a 404.
func TestOfferingService(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	w, err := db.WorkspaceNamed(ctx, "offering-service-test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.PutMissing(ctx, w.ID, store.Objects{Issuers: []model.Issuer{{ID: 1}, {ID: 2}}}, nil); err != nil {
		t.Fatal(err)
	}
	p := &auth.Principal{Workspace: w.ID, KeyID: "svc", Scope: auth.ScopeWorkspace, Write: true}
	svc := offerings.NewService(db, nil, nil)

	if err := svc.Create(ctx, p, newOffering(99)); err == nil {
		t.Fatal("an offering of an unknown issuer was created")
	} else if k, _ := kindOf(err); k != apierr.Invalid {
		t.Fatalf("unknown issuer: %v, want a 400", err)
	}

	// Missing what opening needs: a field error naming it, nothing written.
	bare := newOffering(1)
	bare.SigningEmail = nil
	if err := svc.Create(ctx, p, bare); err != nil {
		t.Fatal(err)
	}
	if bare.Slug != "service-test" {
		t.Errorf("slug %q, want service-test", bare.Slug)
	}
	_, err = svc.Transition(ctx, p, bare.ID, "open")
	var ae *apierr.Error
	if !errors.As(err, &ae) || ae.Kind != apierr.Invalid || len(ae.Fields["signing_email"]) == 0 {
		t.Fatalf("open without signing_email: %v", err)
	}
	if got, _, _ := db.OfferingForWrite(ctx, w.ID, bare.ID); got.Status != "incomplete" {
		t.Fatalf("a refused open wrote status %s", got.Status)
	}

	o := newOffering(1)
	if err := svc.Create(ctx, p, o); err != nil {
		t.Fatal(err)
	}
	opened, err := svc.Transition(ctx, p, o.ID, "open")
	if err != nil || opened.Status != "opened" || opened.OpenedAt == nil {
		t.Fatalf("open: %+v, %v", opened, err)
	}
	if _, err := svc.Transition(ctx, p, o.ID, "open"); err == nil {
		t.Fatal("opened an open offering")
	} else if k, _ := kindOf(err); k != apierr.Conflict {
		t.Fatalf("open twice: %v, want a 409", err)
	}

	// PATCH: a field changes; clearing one an open offering needs is
	// refused and changes nothing.
	up, err := svc.Update(ctx, p, o.ID, map[string]json.RawMessage{"name": json.RawMessage(`"Renamed"`)})
	if err != nil || up.Name != "Renamed" {
		t.Fatalf("update: %+v, %v", up, err)
	}
	if _, err := svc.Update(ctx, p, o.ID, map[string]json.RawMessage{"signing_email": json.RawMessage(`null`)}); err == nil {
		t.Fatal("cleared signing_email of an open offering")
	}
	if got, _, _ := db.OfferingForWrite(ctx, w.ID, o.ID); got.SigningEmail == nil || got.Name != "Renamed" {
		t.Fatalf("after a refused PATCH: %+v", got)
	}

	// Parallel PATCHes of one offering each land (re-read and re-planned).
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for _, f := range []string{"contact_name", "contact_phone", "support_phone", "security_type"} {
		wg.Add(1)
		go func(f string) {
			defer wg.Done()
			_, err := svc.Update(ctx, p, o.ID, map[string]json.RawMessage{f: json.RawMessage(`"x1"`)})
			errs <- err
		}(f)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("parallel PATCH: %v", err)
		}
	}
	got, _, _ := db.OfferingForWrite(ctx, w.ID, o.ID)
	if got.ContactName == nil || *got.ContactName != "x1" || got.ContactPhone == nil || got.SupportPhone == nil || got.SecurityType == nil || *got.SecurityType != "x1" {
		t.Errorf("a parallel PATCH was lost: %+v", got)
	}

	// Refunds with nothing to refund; escrow close of a 506(b) offering is
	// refused (no escrow).
	rf, err := svc.Refunds(ctx, p, o.ID)
	if err != nil || rf.Refunded != 0 || rf.Offering != o.ID || rf.Investments == nil {
		t.Fatalf("refunds: %+v, %v", rf, err)
	}
	if _, err := svc.EscrowClose(ctx, p, o.ID); err == nil {
		t.Fatal("closed the escrow of a 506(b) offering")
	} else if k, _ := kindOf(err); k != apierr.Conflict {
		t.Fatalf("escrow close: %v, want a 409", err)
	}
	if _, err := svc.MaterialChange(ctx, p, o.ID, "new risk"); err == nil {
		t.Fatal("a material change of a 506(b) offering")
	} else if k, _ := kindOf(err); k != apierr.Conflict {
		t.Fatalf("material change: %v, want a 409", err)
	}

	// API keys of the offering.
	k, err := svc.MintKey(ctx, p, o, "ci", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := svc.Keys(ctx, p, o)
	if err != nil || len(keys) != 1 || keys[0].ID != k.Key.ID {
		t.Fatalf("keys %+v, %v", keys, err)
	}
	if err := svc.RevokeKey(ctx, p, o, "nope"); err == nil {
		t.Fatal("revoked an unknown key")
	} else if kd, _ := kindOf(err); kd != apierr.NotFound {
		t.Fatalf("unknown key: %v, want a 404", err)
	}
	if err := svc.RevokeKey(ctx, p, o, k.Key.ID); err != nil {
		t.Fatal(err)
	}

	// Another issuer's key does not see the offering.
	other := &auth.Principal{Workspace: w.ID, KeyID: "other", Scope: auth.ScopeIssuer, ScopeID: 2, Write: true}
	if _, err := svc.Transition(ctx, other, o.ID, "pause"); err == nil {
		t.Fatal("another issuer's key paused the offering")
	} else if kd, _ := kindOf(err); kd != apierr.NotFound {
		t.Fatalf("another issuer: %v, want a 404", err)
	}
	paused, err := svc.Transition(ctx, p, o.ID, "pause")
	if err != nil || paused.Status != "paused" {
		t.Fatalf("pause: %+v, %v", paused, err)
	}
}
