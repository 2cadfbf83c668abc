package investors_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/investors"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store/storetest"
)

// TestInvestorService drives the investor service without HTTP, on
// DynamoDB Local: create (an unknown user is a field error and writes
// nothing), PATCH of the investor and its entity by body, and the
// accreditation verification: recorded with its audit record by a
// workspace write key, refused (403) to an issuer-scoped key, 404 for an
// unknown investor.
func TestInvestorService(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	w, err := db.WorkspaceNamed(ctx, "investor-service-test")
	if err != nil {
		t.Fatal(err)
	}
	u := &model.User{Email: "svc@example.com", DateJoined: model.NewTime(time.Now())}
	if err := db.CreateUser(ctx, w.ID, u); err != nil {
		t.Fatal(err)
	}
	p := &auth.Principal{Workspace: w.ID, KeyID: "svc", Scope: auth.ScopeWorkspace, Write: true}
	svc := investors.NewService(db)
	first, last, kyc := "Ada", "Lovelace", "processing"
	entity := func() *model.Entity { return &model.Entity{FirstName: &first, LastName: &last, KYCStatus: &kyc} }

	var ae *apierr.Error
	_, err = svc.Create(ctx, p, investors.CreateInput{User: 999, Type: "person", Entity: entity()})
	if !errors.As(err, &ae) || ae.Kind != apierr.Invalid || len(ae.Fields["user"]) == 0 {
		t.Fatalf("unknown user: %v, want a field error on user", err)
	}
	if gs, err := db.InvestorGraphs(ctx, w.ID, []int64{1}); err != nil || len(gs) != 0 {
		t.Fatalf("a refused create wrote an investor: %v, %v", gs, err)
	}

	g, err := svc.Create(ctx, p, investors.CreateInput{User: u.ID, Type: "person", Entity: entity()})
	if err != nil {
		t.Fatal(err)
	}
	inv := g.Investor
	if inv == nil || inv.User != u.ID || inv.Entity == nil || inv.IndividualEntity == nil || *inv.Entity != *inv.IndividualEntity || !inv.ReceiveEmails {
		t.Fatalf("created %+v", inv)
	}

	g, err = svc.Update(ctx, p, inv.ID, map[string]json.RawMessage{
		"receive_sms": json.RawMessage(`true`),
		"entity":      json.RawMessage(`{"kyc_status": "passed", "accredited_investor": true}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !g.Investor.ReceiveSMS || g.Entity == nil || *g.Entity.KYCStatus != "passed" || g.Entity.AccreditedInvestor == nil || !*g.Entity.AccreditedInvestor {
		t.Fatalf("after PATCH: %+v %+v", g.Investor, g.Entity)
	}
	if _, err := svc.Update(ctx, p, inv.ID, map[string]json.RawMessage{"entity": json.RawMessage(`{"kyc_status": "verified"}`)}); !errors.As(err, &ae) || ae.Kind != apierr.Invalid {
		t.Fatalf("bad kyc_status: %v, want a 400", err)
	}

	now := time.Now()
	today := model.DateOf(now)
	verification := func() *model.AccreditationVerification {
		return &model.AccreditationVerification{Method: model.VerifyNetWorth, Verifier: "Jane Auditor, CPA", VerifiedOn: today,
			ExpiresOn: model.VerificationLimit(model.VerifyNetWorth, today)}
	}
	issuerKey := &auth.Principal{Workspace: w.ID, KeyID: "issuer", Scope: auth.ScopeIssuer, ScopeID: 1, Write: true}
	if _, err := svc.Verify(ctx, issuerKey, inv.ID, verification(), now); !errors.As(err, &ae) || ae.Kind != apierr.Forbidden {
		t.Fatalf("an issuer key verified: %v, want a 403", err)
	}
	if _, err := svc.Verify(ctx, p, 987654, verification(), now); !errors.As(err, &ae) || ae.Kind != apierr.NotFound {
		t.Fatalf("unknown investor: %v, want a 404", err)
	}
	view, err := svc.Verify(ctx, p, inv.ID, verification(), now)
	if err != nil || view.Verification == nil || view.Verification.RecordedBy != "key:svc" || view.AccreditedInvestor == nil || !*view.AccreditedInvestor {
		t.Fatalf("verify: %+v, %v", view, err)
	}
	trail, err := db.AuditTrail(ctx, w.ID, "INVESTOR", inv.ID)
	if err != nil || len(trail) != 1 || trail[0].Action != "verify_accreditation" || trail[0].From != "unverified" || trail[0].To != model.VerifyNetWorth {
		t.Fatalf("audit trail %+v, %v", trail, err)
	}
}
