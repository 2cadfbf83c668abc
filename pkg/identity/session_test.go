package identity_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/identity"
	"github.com/tranche-dev/tranche/pkg/store"
	"github.com/tranche-dev/tranche/pkg/store/storetest"
)

// fixedClock is a test's time.
type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

var signInTime = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

func workspace(t *testing.T, db *store.DB, name, org string) *store.Workspace {
	t.Helper()
	w, err := db.CreateWorkspace(context.Background(), store.WorkspaceFields{Name: name, ClerkOrgID: org})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func join(t *testing.T, db *store.DB, ws, user, role string) {
	t.Helper()
	if _, err := db.PutMembership(context.Background(), ws, user, role, ""); err != nil {
		t.Fatal(err)
	}
}

// Issue 11, finding 1: a dashboard opens with parallel requests of a fresh
// session, and authentication must not need a contended write. 24
// parallel resolutions of one brand-new session id all succeed, resolve
// the same workspace, accept the pending invitation exactly once (one
// membership, member_count 1, the invitation accepted by the user) and
// record the session at the service's clock. A user Clerk has not told
// us about yet (no identity: 24 parallel creations) resolves too, to one
// identity.
func TestParallelResolutionsOfANewSession(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	svc := identity.NewService(db, fixedClock{signInTime})
	w := workspace(t, db, "Acme", "org_par")
	invited := workspace(t, db, "Invited", "")
	join(t, db, w.ID, "user_par", store.RoleAdmin)
	if err := svc.SyncUser(ctx, store.ClerkUser{ClerkID: "user_par", Email: "par@example.com"}); err != nil {
		t.Fatal(err)
	}
	inv, err := db.CreateInvitation(ctx, invited.ID, "par@example.com", 0, store.RoleMember, "user_other")
	if err != nil {
		t.Fatal(err)
	}

	resolveAll := func(sess identity.Session) []*identity.Resolved {
		const parallel = 24
		out := make([]*identity.Resolved, parallel)
		errs := make([]error, parallel)
		var wg sync.WaitGroup
		for i := range parallel {
			wg.Add(1)
			go func() {
				defer wg.Done()
				out[i], errs[i] = svc.Resolve(ctx, sess)
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("resolution %d of %+v: %v", i, sess, err)
			}
		}
		return out
	}

	for _, r := range resolveAll(identity.Session{UserID: "user_par", SessionID: "sess_new", OrgID: "org_par"}) {
		if r.Membership == nil || r.Membership.Workspace != w.ID || r.Membership.Role != store.RoleAdmin {
			t.Errorf("resolved %+v, want the ADMIN membership of %s", r.Membership, w.ID)
		}
	}
	m, err := db.Membership(ctx, invited.ID, "user_par")
	if err != nil || m.Role != store.RoleMember {
		t.Fatalf("invitation not accepted: %+v %v", m, err)
	}
	if got, _ := db.Workspace(ctx, invited.ID); got == nil || got.MemberCount != 1 {
		t.Errorf("invited workspace after 24 sign-ins: %+v, want member_count 1", got)
	}
	if got, err := db.Invitation(ctx, invited.ID, inv.ID); err != nil || got.Status != store.InvitationAccepted || got.AcceptedBy != "user_par" {
		t.Errorf("invitation %+v %v", got, err)
	}
	if ms, _ := db.MembershipsOf(ctx, "user_par"); len(ms) != 2 {
		t.Errorf("memberships %+v, want 2", ms)
	}
	id, err := db.Identity(ctx, "user_par")
	if err != nil {
		t.Fatal(err)
	}
	if id.LastSessionID != "sess_new" || id.LastLogin == nil || !id.LastLogin.Time.Equal(signInTime) {
		t.Errorf("session not recorded at the service's clock: last_sid %q last_login %v", id.LastSessionID, id.LastLogin)
	}

	// A user not seen before: every resolution creates-or-reads the
	// identity; all succeed with the same one.
	first := resolveAll(identity.Session{UserID: "user_unseen", SessionID: "sess_unseen"})
	for _, r := range first {
		if r.Identity.ID != first[0].Identity.ID || r.Identity.UUID != first[0].Identity.UUID || r.Membership != nil {
			t.Errorf("resolved %+v / %+v, want identity %d and no workspace", r.Identity, r.Membership, first[0].Identity.ID)
		}
	}
	if id, err := db.Identity(ctx, "user_unseen"); err != nil || id.ID != first[0].Identity.ID || id.LastSessionID != "sess_unseen" {
		t.Errorf("stored identity %+v %v", id, err)
	}
}

// A user Clerk deleted is refused with ErrInactive, whatever the session;
// Clerk's next user event for them (a restored user) lets them in again.
func TestInactiveUserIsRefused(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	svc := identity.NewService(db, fixedClock{signInTime})
	w := workspace(t, db, "Acme", "org_in")
	join(t, db, w.ID, "user_in", store.RoleMember)
	if _, err := svc.Resolve(ctx, identity.Session{UserID: "user_in", SessionID: "sess_1"}); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteUser(ctx, "user_in"); err != nil {
		t.Fatal(err)
	}
	for _, sid := range []string{"sess_1", "sess_2", ""} {
		if r, err := svc.Resolve(ctx, identity.Session{UserID: "user_in", SessionID: sid, OrgID: "org_in"}); !errors.Is(err, identity.ErrInactive) {
			t.Errorf("session %q of a deleted user: %+v %v, want ErrInactive", sid, r, err)
		}
	}
	// The refusal recorded nothing: sess_2 is not a sign-in.
	if id, _ := db.Identity(ctx, "user_in"); id.LastSessionID != "sess_1" {
		t.Errorf("refused session recorded: last_sid %q", id.LastSessionID)
	}
	if err := svc.DeleteUser(ctx, "user_never_seen"); err != nil {
		t.Errorf("deleting an unknown user: %v", err)
	}
	if err := svc.SyncUser(ctx, store.ClerkUser{ClerkID: "user_in", Email: "in@example.com", UpdatedAtMillis: 2}); err != nil {
		t.Fatal(err)
	}
	if r, err := svc.Resolve(ctx, identity.Session{UserID: "user_in", SessionID: "sess_2"}); err != nil || r.Membership == nil || r.Membership.Workspace != w.ID {
		t.Errorf("restored user: %+v %v", r, err)
	}
}

// The active workspace's order: the token's organisation, unless the user
// switched workspace while holding that same organisation; else the
// switched-to workspace; else the first membership by id. A deleted
// workspace (or one the user left) is skipped at every step; without a
// live membership there is no workspace.
func TestActiveWorkspaceOrder(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	svc := identity.NewService(db, fixedClock{signInTime})
	a := workspace(t, db, "A", "org_a")
	b := workspace(t, db, "B", "org_b")
	c := workspace(t, db, "C", "")
	other := workspace(t, db, "Other", "org_other") // the user is not a member
	for _, ws := range []string{c.ID, b.ID, a.ID} { // joined out of id order
		join(t, db, ws, "user_ws", store.RoleMember)
	}
	active := func(org string) string {
		t.Helper()
		r, err := svc.Resolve(ctx, identity.Session{UserID: "user_ws", SessionID: "sess_ws", OrgID: org})
		if err != nil {
			t.Fatal(err)
		}
		if r.Membership == nil {
			return ""
		}
		return r.Membership.Workspace
	}
	steps := []struct {
		name   string
		change func()
		org    string
		want   string
	}{
		{"no org, never switched: the first membership by id", nil, "", a.ID},
		{"the token's organisation", nil, "org_b", b.ID},
		{"an organisation the user is not a member of: the first membership", nil, "org_other", a.ID},
		{"an organisation never seen: the first membership", nil, "org_unknown", a.ID},
		{"switched to C while holding org_b: C", func() {
			if _, err := svc.SwitchWorkspace(ctx, "user_ws", c.ID, "org_b"); err != nil {
				t.Fatal(err)
			}
		}, "org_b", c.ID},
		{"the token now holds org_a: the token's organisation wins", nil, "org_a", a.ID},
		{"no organisation in the token: the switched-to workspace", nil, "", c.ID},
		{"an unknown organisation: the switched-to workspace", nil, "org_unknown", c.ID},
		{"the switched-to workspace deleted: the token's organisation", func() {
			markDeleted(t, db, c.ID)
		}, "org_b", b.ID},
		{"the switched-to workspace deleted, no org: the first live membership", nil, "", a.ID},
		{"the first membership's workspace deleted: the next one", func() {
			if err := svc.DeleteOrganisation(ctx, "org_a"); err != nil {
				t.Fatal(err)
			}
		}, "", b.ID},
		{"the deleted organisation in the token: the next live membership", nil, "org_a", b.ID},
		{"left B: no live membership, no workspace", func() {
			if err := svc.DeleteMembership(ctx, "org_b", "user_ws"); err != nil {
				t.Fatal(err)
			}
		}, "org_b", ""},
	}
	for _, s := range steps {
		if s.change != nil {
			s.change()
		}
		if got := active(s.org); got != s.want {
			t.Errorf("%s: workspace %q, want %q", s.name, got, s.want)
		}
	}
	if _, err := db.Membership(ctx, other.ID, "user_ws"); !errors.Is(err, dynamo.ErrNotFound) {
		t.Errorf("resolution joined a workspace: %v", err)
	}
	if r, err := svc.Resolve(ctx, identity.Session{UserID: "user_nobody"}); err != nil || r.Membership != nil {
		t.Errorf("a user without memberships: %+v %v, want no workspace", r, err)
	}
}

// markDeleted deletes a workspace without a Clerk organisation (the
// Clerk path, DeleteOrganisation, needs one).
func markDeleted(t *testing.T, db *store.DB, ws string) {
	t.Helper()
	if _, err := db.UpdateWorkspace(context.Background(), ws, func(w *store.Workspace) error {
		w.Deleted = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// SwitchWorkspace refuses (403) a workspace the caller is not a member
// of, one that does not exist and one that was deleted, and changes
// nothing when it does.
func TestSwitchWorkspace(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	svc := identity.NewService(db, nil)
	a := workspace(t, db, "A", "org_sa")
	b := workspace(t, db, "B", "")
	foreign := workspace(t, db, "Foreign", "")
	join(t, db, a.ID, "user_sw", store.RoleMember)
	join(t, db, b.ID, "user_sw", store.RoleMember)
	markDeleted(t, db, b.ID)
	for _, ws := range []string{foreign.ID, b.ID, "999999"} {
		var ae *apierr.Error
		if w, err := svc.SwitchWorkspace(ctx, "user_sw", ws, "org_sa"); !errors.As(err, &ae) || ae.Kind != apierr.Forbidden {
			t.Errorf("switch to %s: %+v %v, want 403", ws, w, err)
		}
	}
	if id, err := svc.Caller(ctx, "user_sw"); err != nil || id.ActiveWorkspace != "" {
		t.Errorf("a refused switch wrote: %+v %v", id, err)
	}
	w, err := svc.SwitchWorkspace(ctx, "user_sw", a.ID, "org_sa")
	if err != nil || w.ID != a.ID {
		t.Fatalf("switch: %+v %v", w, err)
	}
	if id, _ := svc.Caller(ctx, "user_sw"); id.ActiveWorkspace != a.ID || id.SwitchedWithOrg != "org_sa" {
		t.Errorf("switched identity %+v", id)
	}
}

// TestUpdateOrganisation: the organisation fields change under optimistic
// concurrency, and a deleted workspace is not found, not revived.
func TestUpdateOrganisation(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	svc := identity.NewService(db, nil)
	ws, err := db.CreateWorkspace(ctx, store.WorkspaceFields{Name: "Orgco", Type: "active", ClerkOrgID: "org_update_" + db.Name()})
	if err != nil {
		t.Fatal(err)
	}
	got, err := svc.UpdateOrganisation(ctx, ws.ID, func(w *store.Workspace) { w.Name = "Orgco Ltd" })
	if err != nil || got.Name != "Orgco Ltd" {
		t.Fatalf("update: %+v, %v", got, err)
	}
	if err := db.DeleteClerkOrg(ctx, ws.ClerkOrgID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.UpdateOrganisation(ctx, ws.ID, func(w *store.Workspace) { w.Name = "Revived" }); !errors.Is(err, dynamo.ErrNotFound) {
		t.Fatalf("update of a deleted workspace: %v, want not found", err)
	}
}

// TestCallerUser: a session caller's user record is the workspace user
// with the caller's Clerk e-mail, case-insensitively; none is 0, and a
// caller with no identity yet is nil.
func TestCallerUser(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	svc := identity.NewService(db, nil)
	ws, err := db.CreateWorkspace(ctx, store.WorkspaceFields{Name: "Callers", Type: "active", ClerkOrgID: "org_callers_" + db.Name()})
	if err != nil {
		t.Fatal(err)
	}
	if id, uid, err := svc.CallerUser(ctx, ws.ID, "user_nobody"); id != nil || uid != 0 || err != nil {
		t.Fatalf("caller without identity: %v %d %v", id, uid, err)
	}
	if _, err := db.SyncClerkUser(ctx, store.ClerkUser{ClerkID: "user_caller", Email: "Caller@Example.com", EmailVerified: true}); err != nil {
		t.Fatal(err)
	}
	if id, uid, err := svc.CallerUser(ctx, ws.ID, "user_caller"); id == nil || uid != 0 || err != nil {
		t.Fatalf("caller without a user record: %v %d %v", id, uid, err)
	}
	u, err := db.EnsureUser(ctx, ws.ID, "caller@example.COM", "Cal", "Ler")
	if err != nil {
		t.Fatal(err)
	}
	if id, uid, err := svc.CallerUser(ctx, ws.ID, "user_caller"); id == nil || uid != u.ID || err != nil {
		t.Fatalf("caller with a user record %d: %v %d %v", u.ID, id, uid, err)
	}
}
