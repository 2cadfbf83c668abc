package users_test

import (
	"context"
	"errors"
	"testing"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
	"github.com/tranche-dev/tranche/pkg/store/storetest"
	"github.com/tranche-dev/tranche/pkg/users"
)

// The seed 000 user writes' rules, without HTTP: e-mails unique in the
// workspace (a refusal draws no id), passwords only as hashes, and only
// third-party issuer users editable.
func TestIssuerUserService(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	svc := users.Service{DB: db}
	a, err := svc.CreateIssuerUser(ctx, "ws1", "a@example.com", "secret-one")
	if err != nil {
		t.Fatal(err)
	}
	if a.PasswordHash == "" || a.PasswordHash == "secret-one" || a.ThirdPartyIssuerEmail == nil {
		t.Fatalf("created: %+v", a)
	}
	if _, err := svc.CreateIssuerUser(ctx, "ws1", "a@example.com", "x"); !errors.Is(err, store.ErrEmailTaken) {
		t.Fatalf("duplicate: %v", err)
	}
	// The refusal drew no id: the next user is a's id + 1.
	b, err := svc.CreateIssuerUser(ctx, "ws1", "b@example.com", "secret-two")
	if err != nil || b.ID != a.ID+1 {
		t.Fatalf("after a refusal: %+v %v", b, err)
	}
	// Another workspace may hold the same e-mail.
	if _, err := svc.CreateIssuerUser(ctx, "ws2", "a@example.com", "x"); err != nil {
		t.Fatalf("other workspace: %v", err)
	}
	taken := "A@example.com"
	if _, err := svc.UpdateIssuerUser(ctx, "ws1", b.ID, &taken, nil); !errors.Is(err, store.ErrEmailTaken) {
		t.Fatalf("update to a taken e-mail: %v", err)
	}
	own, pw := "B@Example.com", "new-secret"
	got, err := svc.UpdateIssuerUser(ctx, "ws1", b.ID, &own, &pw)
	if err != nil || got.Email != own || got.PasswordHash == b.PasswordHash {
		t.Fatalf("update own e-mail's case and password: %+v %v", got, err)
	}
	// A user that is not a third-party issuer user is not this API's.
	if _, err := db.PutMissing(ctx, "ws1", store.Objects{Users: []model.User{{ID: 50, Email: "inv@example.com", IsActive: true, Version: 1}}}, nil); err != nil {
		t.Fatal(err)
	}
	var ae *apierr.Error
	if _, err := svc.UpdateIssuerUser(ctx, "ws1", 50, &own, nil); !errors.As(err, &ae) || ae.Kind != apierr.NotFound {
		t.Fatalf("investor's user: %v", err)
	}
}
