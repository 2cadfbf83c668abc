package identity_test

import (
	"context"
	"errors"
	"testing"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/identity"
	"github.com/tranche-dev/tranche/pkg/store"
	"github.com/tranche-dev/tranche/pkg/store/storetest"
)

// Clerk does not order its deliveries: a membership may arrive before its
// organisation. It creates the workspace from the organisation the event
// carries, and the organisation's own event then updates that workspace
// (not a second one) and makes its creator OWNER. A membership of an
// organisation without a name cannot create it and fails, writing
// nothing, so that the delivery is retried after the organisation's own.
func TestMembershipBeforeItsOrganisation(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	svc := identity.NewService(db, nil)
	beta := store.WorkspaceFields{Name: "Beta", ClerkOrgID: "org_beta", Type: "active", ClerkUpdatedAtMillis: 1}
	if err := svc.SyncMembership(ctx, beta, "user_2", store.RoleMember, "orgmem_2"); err != nil {
		t.Fatal(err)
	}
	ws, err := db.WorkspaceByOrg(ctx, "org_beta")
	if err != nil {
		t.Fatalf("the membership did not create its workspace: %v", err)
	}
	if m, err := db.Membership(ctx, ws, "user_2"); err != nil || m.Role != store.RoleMember || m.ClerkMembershipID != "orgmem_2" {
		t.Fatalf("membership %+v %v", m, err)
	}
	beta.Name, beta.ClerkUpdatedAtMillis = "Beta Inc", 2
	if err := svc.SyncOrganisation(ctx, beta, "user_1"); err != nil {
		t.Fatal(err)
	}
	if again, _ := db.WorkspaceByOrg(ctx, "org_beta"); again != ws {
		t.Fatalf("organization.created made workspace %s, the membership had made %s", again, ws)
	}
	w, err := db.Workspace(ctx, ws)
	if err != nil || w.Name != "Beta Inc" || w.MemberCount != 2 {
		t.Fatalf("workspace %+v %v", w, err)
	}
	if m, _ := db.Membership(ctx, ws, "user_1"); m == nil || m.Role != store.RoleOwner {
		t.Fatalf("creator %+v, want OWNER", m)
	}
	// Clerk reports the creator's own membership as an admin: they stay
	// OWNER.
	if err := svc.SyncMembership(ctx, beta, "user_1", store.RoleAdmin, "orgmem_1"); err != nil {
		t.Fatal(err)
	}
	if m, _ := db.Membership(ctx, ws, "user_1"); m.Role != store.RoleOwner {
		t.Errorf("owner downgraded: %+v", m)
	}

	nameless := store.WorkspaceFields{ClerkOrgID: "org_nameless"}
	if err := svc.SyncMembership(ctx, nameless, "user_3", store.RoleMember, ""); !errors.Is(err, dynamo.ErrNotFound) {
		t.Fatalf("membership of an unknown nameless organisation: %v, want dynamo.ErrNotFound", err)
	}
	if _, err := db.WorkspaceByOrg(ctx, "org_nameless"); !errors.Is(err, dynamo.ErrNotFound) {
		t.Errorf("a failed membership created a workspace: %v", err)
	}
	if ms, _ := db.MembershipsOf(ctx, "user_3"); len(ms) != 0 {
		t.Errorf("a failed membership wrote %+v", ms)
	}
}

// Deleting a membership of an organisation never seen (or already
// deleted) is a no-op: no error (Svix would retry it forever), no
// workspace created to be left. A known one is removed with its count.
func TestDeleteMembershipOfUnknownOrganisation(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	svc := identity.NewService(db, nil)
	if err := svc.DeleteMembership(ctx, "org_ghost", "user_1"); err != nil {
		t.Fatalf("unknown organisation: %v", err)
	}
	if _, err := db.WorkspaceByOrg(ctx, "org_ghost"); !errors.Is(err, dynamo.ErrNotFound) {
		t.Errorf("deleting a membership created the workspace: %v", err)
	}
	org := store.WorkspaceFields{Name: "Gamma", ClerkOrgID: "org_gamma"}
	if err := svc.SyncOrganisation(ctx, org, "user_1"); err != nil {
		t.Fatal(err)
	}
	if err := svc.SyncMembership(ctx, org, "user_2", store.RoleAdmin, "orgmem_2"); err != nil {
		t.Fatal(err)
	}
	ws, _ := db.WorkspaceByOrg(ctx, "org_gamma")
	if err := svc.DeleteMembership(ctx, "org_gamma", "user_2"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Membership(ctx, ws, "user_2"); !errors.Is(err, dynamo.ErrNotFound) {
		t.Errorf("membership not deleted: %v", err)
	}
	if w, _ := db.Workspace(ctx, ws); w == nil || w.MemberCount != 1 {
		t.Errorf("workspace after the deletion: %+v", w)
	}
	// Twice is the same; and after the organisation is deleted, its
	// memberships' deletions are no-ops too.
	if err := svc.DeleteMembership(ctx, "org_gamma", "user_2"); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteOrganisation(ctx, "org_gamma"); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteMembership(ctx, "org_gamma", "user_1"); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteOrganisation(ctx, "org_gamma"); err != nil {
		t.Errorf("deleting an organisation twice: %v", err)
	}
}

// A user who signs up with a verified e-mail joins the workspaces that
// invited them when Clerk's user event arrives, before any session; an
// unverified address accepts nothing.
func TestSyncUserAcceptsInvitationsOfAVerifiedEmail(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	svc := identity.NewService(db, nil)
	ws := workspace(t, db, "Delta", "")
	if _, err := db.CreateInvitation(ctx, ws.ID, "new@example.com", 0, store.RoleAdmin, "user_boss"); err != nil {
		t.Fatal(err)
	}
	if err := svc.SyncUser(ctx, store.ClerkUser{ClerkID: "user_new", Email: "new@example.com", UpdatedAtMillis: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Membership(ctx, ws.ID, "user_new"); !errors.Is(err, dynamo.ErrNotFound) {
		t.Fatalf("an unverified e-mail accepted an invitation: %v", err)
	}
	if err := svc.SyncUser(ctx, store.ClerkUser{ClerkID: "user_new", Email: "new@example.com", EmailVerified: true, FirstName: "Nia", UpdatedAtMillis: 2}); err != nil {
		t.Fatal(err)
	}
	if m, err := db.Membership(ctx, ws.ID, "user_new"); err != nil || m.Role != store.RoleAdmin {
		t.Fatalf("invitation not accepted: %+v %v", m, err)
	}
	if id, _ := svc.Caller(ctx, "user_new"); id.FirstName != "Nia" || !id.EmailVerified || !id.IsActive {
		t.Errorf("identity %+v", id)
	}
	// An older event (Clerk's updated_at) changes nothing.
	if err := svc.SyncUser(ctx, store.ClerkUser{ClerkID: "user_new", Email: "new@example.com", FirstName: "Old", UpdatedAtMillis: 1}); err != nil {
		t.Fatal(err)
	}
	if id, _ := svc.Caller(ctx, "user_new"); id.FirstName != "Nia" {
		t.Errorf("an older event was applied: %+v", id)
	}
}
