package groups_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth/sessiontest"
	"github.com/tranche-dev/tranche/pkg/groups"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/mail/mailtest"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/routes"
	"github.com/tranche-dev/tranche/pkg/store"
	"github.com/tranche-dev/tranche/pkg/store/storetest"
	"github.com/tranche-dev/tranche/pkg/workspaces"
)

// Callers of the permission matrix.
const (
	owner  = "user_owner_a"
	admin  = "user_admin_a"
	member = "user_member_a"
	other  = "user_owner_b" // owner of another workspace
)

type world struct {
	t       *testing.T
	db      *store.DB
	env     *sessiontest.Env
	h, inv  http.Handler
	wsA     *store.Workspace
	wsB     *store.Workspace
	users   []int64 // user records of workspace A
	usersB  []int64
	svc     *groups.Service
	nextSeq int
}

func newWorld(t *testing.T, withMail bool) *world {
	t.Helper()
	db := storetest.New(t)
	env := sessiontest.New(t)
	deps := env.Deps(db)
	ctx := context.Background()
	if withMail {
		ses := mailtest.Endpoint(t)
		deps.Config.SESEndpointURL, deps.Config.Region = ses, "us-east-1"
		var err error
		if deps.AWS, err = app.LoadAWS(ctx, app.Config{EndpointURL: ses, Region: "us-east-1"}); err != nil {
			t.Fatal(err)
		}
	}
	h, err := groups.NewHandler(deps)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := workspaces.NewInvitationsHandler(deps)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, db: db, env: env, h: h, inv: inv, svc: groups.NewService(db, nil)}
	mk := func(name string) *store.Workspace {
		ws, err := db.CreateWorkspace(ctx, store.WorkspaceFields{Name: name, Type: "active", Country: "NL", ClerkOrgID: "org_" + strings.ToLower(name)})
		if err != nil {
			t.Fatal(err)
		}
		return ws
	}
	w.wsA, w.wsB = mk("Alpha"), mk("Bravo")
	join := func(ws *store.Workspace, user, role string) {
		if _, err := db.SyncClerkUser(ctx, store.ClerkUser{ClerkID: user, Email: user + "@example.com", FirstName: user, EmailVerified: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PutMembership(ctx, ws.ID, user, role, ""); err != nil {
			t.Fatal(err)
		}
	}
	join(w.wsA, owner, store.RoleOwner)
	join(w.wsA, admin, store.RoleAdmin)
	join(w.wsA, member, store.RoleMember)
	join(w.wsB, other, store.RoleOwner)
	for i := range 8 {
		w.users = append(w.users, w.user(w.wsA.ID, fmt.Sprintf("person%d@alpha.test", i)))
	}
	w.usersB = append(w.usersB, w.user(w.wsB.ID, "person0@bravo.test"))
	return w
}

func (w *world) user(ws, email string) int64 {
	w.t.Helper()
	u := &model.User{Email: email, FirstName: "First " + email, LastName: "Last", DateJoined: model.NewTime(time.Now()), IsActive: true}
	if err := w.db.CreateUser(context.Background(), ws, u); err != nil {
		w.t.Fatal(err)
	}
	return u.ID
}

func (w *world) do(user, method, target, body string) *httptest.ResponseRecorder {
	w.t.Helper()
	var req *http.Request
	if body != "" {
		req = httptest.NewRequest(method, target, strings.NewReader(body))
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	req.Host = "api.tranche.test"
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+w.env.Token(w.t, user, ""))
	}
	rec := httptest.NewRecorder()
	h := w.h
	if strings.HasPrefix(target, "/api/invitations/") || strings.HasPrefix(target, "/api/accounts/invitations/") {
		h = w.inv
	}
	h.ServeHTTP(rec, req)
	return rec
}

func decode[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("%v: %s", err, rec.Body)
	}
	return v
}

func want(t *testing.T, rec *httptest.ResponseRecorder, status int) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d: %s", rec.Code, status, rec.Body)
	}
}

// group creates a group of workspace A led by users[lead] with the other
// members (role member), as the owner.
func (w *world) group(lead int, members ...int) model.UserGroupView {
	w.t.Helper()
	w.nextSeq++
	var ms []string
	for _, m := range members {
		ms = append(ms, fmt.Sprintf(`{"user": %d}`, w.users[m]))
	}
	body := fmt.Sprintf(`{"name": "Group %d", "lead_user": %d, "members": [%s]}`, w.nextSeq, w.users[lead], strings.Join(ms, ","))
	rec := w.do(owner, "POST", "/api/user-groups/", body)
	want(w.t, rec, 201)
	return decode[model.UserGroupView](w.t, rec)
}

type page[T any] struct {
	Count   int `json:"count"`
	Results []T `json:"results"`
}

func TestRoutesBound(t *testing.T) {
	db := storetest.New(t)
	env := sessiontest.New(t)
	if _, err := groups.NewHandler(env.Deps(db)); err != nil {
		t.Fatal(err)
	}
	rt := httpapi.NewRouter(groups.Function)
	rt.Use(func(_ routes.Route, h http.Handler) http.Handler { return h })
	groups.AddRoutesForTest(rt, groups.NewService(db, nil))
	if u := rt.Unbound(); len(u) > 0 {
		t.Fatalf("unbound groups routes: %v", u)
	}
	for _, set := range []interface{ Check() error }{groups.ListFilters, groups.SearchFilters, groups.MemberFilters} {
		if err := set.Check(); err != nil {
			t.Error(err)
		}
	}
}

func TestCreateReadUpdate(t *testing.T) {
	w := newWorld(t, false)
	rec := w.do(owner, "POST", "/api/user-groups/", fmt.Sprintf(
		`{"name": " Smith family ", "description": "Household", "lead_user": %d, "members": [{"user": %d, "role": "viewer"}, {"user": %d}], "feature_flags": {"early_access": true}}`,
		w.users[0], w.users[1], w.users[2]))
	want(t, rec, 201)
	g := decode[model.UserGroupView](t, rec)
	if g.Name != "Smith family" || g.LeadUser == nil || *g.LeadUser != w.users[0] || g.MemberCount != 3 || g.IsShell ||
		!g.FeatureFlags["early_access"] || g.FeatureFlags["secondary_trading"] || len(g.FeatureFlags) != len(groups.Flags) {
		t.Fatalf("created %+v", g)
	}
	if g.LeadUserUUID == nil || *g.LeadUserUUID != model.UserUUID(w.wsA.ID, w.users[0]) {
		t.Fatalf("lead uuid %v", g.LeadUserUUID)
	}
	path := fmt.Sprintf("/api/user-groups/%d/", g.ID)

	got := decode[model.UserGroupView](t, w.do(admin, "GET", path, ""))
	if got.ID != g.ID || got.Name != g.Name {
		t.Fatalf("detail %+v", got)
	}
	byLead := w.do(owner, "GET", "/api/user-groups/by-lead-user/?uuid="+strings.ToUpper(*g.LeadUserUUID), "")
	want(t, byLead, 200)
	if decode[model.UserGroupView](t, byLead).ID != g.ID {
		t.Fatal("by lead: wrong group")
	}
	want(t, w.do(owner, "GET", "/api/user-groups/by-lead-user/?uuid="+model.UserUUID(w.wsA.ID, w.users[1]), ""), 404)
	want(t, w.do(owner, "GET", "/api/user-groups/by-lead-user/?uuid=not-a-uuid", ""), 400)
	want(t, w.do(owner, "GET", "/api/user-groups/by-lead-user/", ""), 400)

	ms := decode[page[model.UserGroupMemberView]](t, w.do(owner, "GET", path+"users/", ""))
	if ms.Count != 3 || !ms.Results[0].IsLead || ms.Results[0].Role != groups.RoleAdmin || ms.Results[0].Email != "person0@alpha.test" ||
		ms.Results[1].Role != "viewer" || ms.Results[2].Role != "member" {
		t.Fatalf("members %+v", ms)
	}
	viewers := decode[page[model.UserGroupMemberView]](t, w.do(owner, "GET", path+"users/?role=viewer", ""))
	if viewers.Count != 1 || viewers.Results[0].User != w.users[1] {
		t.Fatalf("viewers %+v", viewers)
	}

	// PATCH: rename; a new lead must be a member; then lead moves.
	rec = w.do(owner, "PATCH", path, `{"name": "Smiths"}`)
	want(t, rec, 200)
	if decode[model.UserGroupView](t, rec).Name != "Smiths" {
		t.Fatal("rename lost")
	}
	rec = w.do(owner, "PATCH", path, fmt.Sprintf(`{"lead_user": %d}`, w.users[5]))
	want(t, rec, 400)
	if !strings.Contains(rec.Body.String(), `"lead_user"`) {
		t.Fatalf("lead not member: %s", rec.Body)
	}
	rec = w.do(owner, "PATCH", path, fmt.Sprintf(`{"lead_user": %d}`, w.users[1]))
	want(t, rec, 200)
	want(t, w.do(owner, "GET", "/api/user-groups/by-lead-user/?uuid="+model.UserUUID(w.wsA.ID, w.users[1]), ""), 200)
	want(t, w.do(owner, "GET", "/api/user-groups/by-lead-user/?uuid="+*g.LeadUserUUID, ""), 404)

	// One group per lead.
	rec = w.do(owner, "POST", "/api/user-groups/", fmt.Sprintf(`{"name": "Again", "lead_user": %d}`, w.users[1]))
	want(t, rec, 400)
	if !strings.Contains(rec.Body.String(), "already leads") {
		t.Fatalf("second lead: %s", rec.Body)
	}

	// Role change, member add, removal; the lead stays.
	rec = w.do(owner, "PATCH", path+"role/", fmt.Sprintf(`{"user": %d, "role": "admin"}`, w.users[2]))
	want(t, rec, 200)
	if m := decode[model.UserGroupMemberView](t, rec); m.Role != "admin" || m.User != w.users[2] {
		t.Fatalf("role %+v", m)
	}
	want(t, w.do(owner, "PATCH", path+"role/", fmt.Sprintf(`{"user": %d, "role": "owner"}`, w.users[2])), 400)
	want(t, w.do(owner, "PATCH", path+"role/", fmt.Sprintf(`{"user": %d, "role": "viewer"}`, w.users[6])), 400)
	rec = w.do(owner, "POST", path+"users/", fmt.Sprintf(`{"user": %d}`, w.users[6]))
	want(t, rec, 201)
	want(t, w.do(owner, "POST", path+"users/", fmt.Sprintf(`{"user": %d}`, w.users[6])), 400)
	want(t, w.do(owner, "POST", path+"users/", fmt.Sprintf(`{"user": %d}`, w.usersB[0]+1000)), 400)
	want(t, w.do(owner, "DELETE", fmt.Sprintf("%susers/%d/", path, w.users[6]), ""), 204)
	want(t, w.do(owner, "DELETE", fmt.Sprintf("%susers/%d/", path, w.users[6]), ""), 404)
	rec = w.do(owner, "DELETE", fmt.Sprintf("%susers/%d/", path, w.users[1]), "")
	want(t, rec, 400)
	after := decode[model.UserGroupView](t, w.do(owner, "GET", path, ""))
	if after.MemberCount != 3 {
		t.Fatalf("member count %d, want 3", after.MemberCount)
	}

	// Feature flags from the registry only.
	rec = w.do(owner, "PATCH", path+"feature-flags/", `{"flag": "secondary_trading", "enabled": true}`)
	want(t, rec, 200)
	if f := decode[model.UserGroupView](t, rec).FeatureFlags; !f["secondary_trading"] || !f["early_access"] {
		t.Fatalf("flags %v", f)
	}
	rec = w.do(owner, "PATCH", path+"feature-flags/", `{"flag": "early_access", "enabled": false}`)
	want(t, rec, 200)
	if f := decode[model.UserGroupView](t, rec).FeatureFlags; f["early_access"] {
		t.Fatalf("flag not disabled %v", f)
	}
	rec = w.do(owner, "PATCH", path+"feature-flags/", `{"flag": "time_travel", "enabled": true}`)
	want(t, rec, 400)
	if !strings.Contains(rec.Body.String(), `"flag"`) {
		t.Fatalf("unknown flag: %s", rec.Body)
	}

	// OfUser: the groups of a user with their role.
	ms2, err := w.svc.OfUser(context.Background(), w.wsA.ID, w.users[2])
	if err != nil || len(ms2) != 1 || ms2[0].Role != "admin" || ms2[0].Group.ID != g.ID || ms2[0].IsLead {
		t.Fatalf("OfUser %+v %v", ms2, err)
	}
	ms1, _ := w.svc.OfUser(context.Background(), w.wsA.ID, w.users[1])
	if len(ms1) != 1 || !ms1[0].IsLead {
		t.Fatalf("OfUser lead %+v", ms1)
	}
}

func TestBadInput(t *testing.T) {
	w := newWorld(t, false)
	g := w.group(0, 1)
	path := fmt.Sprintf("/api/user-groups/%d/", g.ID)
	cases := []struct {
		method, target, body, field string
	}{
		{"POST", "/api/user-groups/", `{}`, "name"},
		{"POST", "/api/user-groups/", `{"name": "x"}`, "lead_user"},
		{"POST", "/api/user-groups/", `{"name": "", "lead_user": 1}`, "name"},
		{"POST", "/api/user-groups/", `{"name": "x", "lead_user": "abc"}`, "lead_user"},
		{"POST", "/api/user-groups/", `{"name": "x", "lead_user": 999999}`, "lead_user"},
		{"POST", "/api/user-groups/", fmt.Sprintf(`{"name": "x", "lead_user": %d, "members": [{"user": 999999}]}`, w.users[4]), "members"},
		{"POST", "/api/user-groups/", fmt.Sprintf(`{"name": "x", "lead_user": %d, "members": [{"user": %d, "role": "boss"}]}`, w.users[4], w.users[5]), "members"},
		{"POST", "/api/user-groups/", fmt.Sprintf(`{"name": "x", "lead_user": %d, "members": {"user": 1}}`, w.users[4]), "members"},
		{"POST", "/api/user-groups/", fmt.Sprintf(`{"name": "x", "lead_user": %d, "members": [{"user": %d}, {"user": %d}]}`, w.users[4], w.users[5], w.users[5]), "members"},
		{"POST", "/api/user-groups/", fmt.Sprintf(`{"name": "x", "lead_user": %d, "feature_flags": {"nope": true}}`, w.users[4]), "feature_flags"},
		{"POST", "/api/user-groups/", fmt.Sprintf(`{"name": "x", "lead_user": %d, "feature_flags": []}`, w.users[4]), "feature_flags"},
		{"POST", "/api/user-groups/", `[1]`, "non_field_errors"},
		{"PATCH", path, `{"name": null}`, "name"},
		{"PATCH", path + "role/", `{"user": 1}`, "role"},
		{"PATCH", path + "feature-flags/", `{"flag": "early_access"}`, "enabled"},
		{"PATCH", path + "feature-flags/", `{"flag": "early_access", "enabled": "maybe"}`, "enabled"},
		{"POST", "/api/invitations/signatory/", `{}`, "user"},
		{"POST", "/api/invitations/signatory/", fmt.Sprintf(`{"user": %d}`, w.users[7]), "user"},
		{"POST", "/api/invitations/signatory/", fmt.Sprintf(`{"user": %d, "group": 999999}`, w.users[1]), "group"},
		{"POST", "/api/invitations/shell/", `{"name": "Shell"}`, "email"},
		{"POST", "/api/invitations/shell/", `{"email": "not-an-email", "name": "Shell"}`, "email"},
	}
	for _, c := range cases {
		rec := w.do(owner, c.method, c.target, c.body)
		if rec.Code != 400 {
			t.Errorf("%s %s %s: status %d, want 400: %s", c.method, c.target, c.body, rec.Code, rec.Body)
			continue
		}
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body[c.field] == nil {
			t.Errorf("%s %s %s: want a %q error, got %s", c.method, c.target, c.body, c.field, rec.Body)
		}
	}
	// Refused writes changed nothing.
	after := decode[model.UserGroupView](t, w.do(owner, "GET", path, ""))
	if after.Name != g.Name || after.MemberCount != 2 {
		t.Fatalf("refused writes changed the group: %+v", after)
	}
	all := decode[page[model.UserGroupView]](t, w.do(owner, "GET", "/api/user-groups/", ""))
	if all.Count != 1 {
		t.Fatalf("refused creates created groups: %d", all.Count)
	}
	// Ids that are not ids are 404, never 500.
	for _, p := range []string{"/api/user-groups/abc/", "/api/user-groups/-1/", "/api/user-groups/99999999999999999999/"} {
		want(t, w.do(owner, "GET", p, ""), 404)
	}
}

func TestListSearchOrdering(t *testing.T) {
	w := newWorld(t, false)
	a := w.group(0, 1, 2)
	b := w.group(3)
	c := w.group(4, 5)
	want(t, w.do(owner, "PATCH", fmt.Sprintf("/api/user-groups/%d/", b.ID), `{"name": "Zeta trust", "description": "pension"}`), 200)
	want(t, w.do(owner, "PATCH", fmt.Sprintf("/api/user-groups/%d/feature-flags/", c.ID), `{"flag": "ira_investing", "enabled": true}`), 200)

	ids := func(target string) []int64 {
		t.Helper()
		rec := w.do(admin, "GET", target, "")
		want(t, rec, 200)
		var out []int64
		for _, g := range decode[page[model.UserGroupView]](t, rec).Results {
			out = append(out, g.ID)
		}
		return out
	}
	eq := func(got []int64, want ...int64) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	eq(ids("/api/user-groups/"), a.ID, b.ID, c.ID)
	eq(ids("/api/user-groups/?ordering=-member_count"), a.ID, c.ID, b.ID)
	eq(ids("/api/user-groups/?ordering=-name"), b.ID, c.ID, a.ID)
	eq(ids("/api/user-groups/?page_size=2&page=2"), c.ID)
	eq(ids("/api/user-groups/search/?name__icontains=zeta"), b.ID)
	eq(ids("/api/user-groups/search/?search=pension"), b.ID)
	eq(ids("/api/user-groups/search/?member_count__gte=2"), a.ID, c.ID)
	eq(ids("/api/user-groups/search/?feature_flag=ira_investing"), c.ID)
	eq(ids(fmt.Sprintf("/api/user-groups/search/?lead_user=%d", w.users[3])), b.ID)
	eq(ids("/api/user-groups/search/?is_shell=true"))
	rec := w.do(admin, "GET", "/api/user-groups/search/?member_count__gte=lots", "")
	want(t, rec, 400)
	want(t, w.do(admin, "GET", "/api/user-groups/search/?feature_flag=nope", ""), 400)
	want(t, w.do(admin, "GET", "/api/user-groups/?page=9", ""), 404)
	// Another workspace sees none of them.
	if n := decode[page[model.UserGroupView]](t, w.do(other, "GET", "/api/user-groups/", "")).Count; n != 0 {
		t.Fatalf("workspace B sees %d of A's groups", n)
	}
}

// TestDeleteSemantics: deleting a group deletes its memberships (the users
// stay) and revokes its pending shell invitation, which sign-in then no
// longer accepts.
func TestDeleteSemantics(t *testing.T) {
	w := newWorld(t, false)
	ctx := context.Background()
	g := w.group(0, 1, 2)
	want(t, w.do(owner, "DELETE", fmt.Sprintf("/api/user-groups/%d/", g.ID), ""), 204)
	want(t, w.do(owner, "GET", fmt.Sprintf("/api/user-groups/%d/", g.ID), ""), 404)
	want(t, w.do(owner, "GET", fmt.Sprintf("/api/user-groups/%d/users/", g.ID), ""), 404)
	want(t, w.do(owner, "DELETE", fmt.Sprintf("/api/user-groups/%d/", g.ID), ""), 404)
	want(t, w.do(owner, "GET", "/api/user-groups/by-lead-user/?uuid="+*g.LeadUserUUID, ""), 404)
	if ms, _ := w.db.UserGroupMembers(ctx, w.wsA.ID, g.ID); len(ms) != 0 {
		t.Fatalf("member items left: %v", ms)
	}
	for _, u := range w.users[:3] {
		if _, err := w.db.User(ctx, w.wsA.ID, u); err != nil {
			t.Fatalf("user %d gone with the group: %v", u, err)
		}
		if ms, _ := w.svc.OfUser(ctx, w.wsA.ID, u); len(ms) != 0 {
			t.Fatalf("user %d still in %v", u, ms)
		}
	}
	// The former lead may lead a new group.
	w.group(0)

	// A shell group's pending invitation is revoked with it.
	g2 := &store.UserGroup{Name: "Shell", CreatedAt: model.NewTime(time.Now())}
	inv, err := w.db.CreateShellInvitation(ctx, w.wsA.ID, "late@alpha.test", 0, "", owner, g2, nil, w.users[7])
	if err != nil {
		t.Fatal(err)
	}
	want(t, w.do(owner, "DELETE", fmt.Sprintf("/api/user-groups/%d/", g2.ID), ""), 204)
	got, err := w.db.Invitation(ctx, w.wsA.ID, inv.ID)
	if err != nil || got.Status != "revoked" || got.GSI1PK != "" {
		t.Fatalf("invitation after delete: %+v %v", got, err)
	}
	// The invitee signs in: nothing is accepted, no group is led.
	if _, err := w.db.SyncClerkUser(ctx, store.ClerkUser{ClerkID: "user_late", Email: "late@alpha.test", EmailVerified: true}); err != nil {
		t.Fatal(err)
	}
	w.do("user_late", "GET", "/api/roles/", "")
	got, _ = w.db.Invitation(ctx, w.wsA.ID, inv.ID)
	if got.Status != "revoked" {
		t.Fatalf("revoked invitation accepted: %+v", got)
	}
	// …and the address may be invited again.
	if _, err := w.db.CreateInvitation(ctx, w.wsA.ID, "late@alpha.test", 3, store.RoleMember, owner); err != nil {
		t.Fatalf("re-invite after revoke: %v", err)
	}
}

// TestLargeGroupDelete: a group whose members exceed one transaction is
// still deleted whole.
func TestLargeGroupDelete(t *testing.T) {
	w := newWorld(t, false)
	ctx := context.Background()
	g := w.group(0)
	for i := range 105 {
		u := w.user(w.wsA.ID, fmt.Sprintf("many%d@alpha.test", i))
		if err := w.db.AddUserGroupMember(ctx, w.wsA.ID, store.UserGroupMember{Group: g.ID, User: u, Role: "member"}); err != nil {
			t.Fatal(err)
		}
	}
	if got := decode[model.UserGroupView](t, w.do(owner, "GET", fmt.Sprintf("/api/user-groups/%d/", g.ID), "")); got.MemberCount != 106 {
		t.Fatalf("member count %d", got.MemberCount)
	}
	want(t, w.do(owner, "DELETE", fmt.Sprintf("/api/user-groups/%d/", g.ID), ""), 204)
	if ms, _ := w.db.UserGroupMembers(ctx, w.wsA.ID, g.ID); len(ms) != 0 {
		t.Fatalf("%d member items left", len(ms))
	}
}

// TestShellInvitation: the invitee's e-mail arrives at the SES emulator;
// signing in makes them the lead of the shell group.
func TestShellInvitation(t *testing.T) {
	w := newWorld(t, true)
	ctx := context.Background()
	addr := fmt.Sprintf("shell-%d@alpha.test", time.Now().UnixNano())
	rec := w.do(admin, "POST", "/api/invitations/shell/", fmt.Sprintf(
		`{"email": %q, "name": "Doe household", "description": "Pre-built", "members": [{"user": %d, "role": "viewer"}], "feature_flags": {"document_vault": true}}`,
		addr, w.users[1]))
	want(t, rec, 201)
	out := decode[model.ShellInvitationView](t, rec)
	if out.Status != "pending" || !out.Group.IsShell || out.Group.LeadUser != nil || out.Group.MemberCount != 1 || !out.Group.FeatureFlags["document_vault"] {
		t.Fatalf("shell %+v", out)
	}
	// The invitee's user record exists now, matched by e-mail.
	if id, err := w.db.UserIDByEmail(ctx, w.wsA.ID, strings.ToUpper(addr)); err != nil || id != out.User {
		t.Fatalf("invitee user %d %v, want %d", id, err, out.User)
	}
	// A second shell for the same address is a duplicate.
	want(t, w.do(admin, "POST", "/api/invitations/shell/", fmt.Sprintf(`{"email": %q, "name": "Again"}`, addr)), 400)

	mails := mailtest.To(t, addr)
	if len(mails) != 1 {
		t.Fatalf("%d mails to %s", len(mails), addr)
	}
	if !strings.Contains(mails[0].Subject, "Doe household") || !strings.Contains(mails[0].Body.Text, "/invitations/"+out.ID+"/accept/") {
		t.Fatalf("mail %+v", mails[0])
	}
	// The seed 004 status route shows it.
	want(t, w.do(owner, "GET", "/api/accounts/invitations/"+out.ID+"/", ""), 200)

	// Sign-in: the invitee's first request with a new session.
	if _, err := w.db.SyncClerkUser(ctx, store.ClerkUser{ClerkID: "user_invitee", Email: addr, EmailVerified: true}); err != nil {
		t.Fatal(err)
	}
	// Not a team member: no workspace, so group routes are refused.
	want(t, w.do("user_invitee", "GET", "/api/user-groups/", ""), 403)

	g := decode[model.UserGroupView](t, w.do(owner, "GET", fmt.Sprintf("/api/user-groups/%d/", out.Group.ID), ""))
	if g.IsShell || g.LeadUser == nil || *g.LeadUser != out.User || g.MemberCount != 2 {
		t.Fatalf("after sign-in %+v", g)
	}
	uuid := model.UserUUID(w.wsA.ID, out.User)
	if got := decode[model.UserGroupView](t, w.do(owner, "GET", "/api/user-groups/by-lead-user/?uuid="+uuid, "")); got.ID != g.ID {
		t.Fatal("by lead after takeover")
	}
	ms := decode[page[model.UserGroupMemberView]](t, w.do(owner, "GET", fmt.Sprintf("/api/user-groups/%d/users/", g.ID), ""))
	if ms.Count != 2 || ms.Results[0].User != out.User || !ms.Results[0].IsLead || ms.Results[0].Role != groups.RoleAdmin {
		t.Fatalf("members %+v", ms)
	}
	inv, err := w.db.Invitation(ctx, w.wsA.ID, out.ID)
	if err != nil || inv.Status != store.InvitationAccepted || inv.AcceptedBy != "user_invitee" {
		t.Fatalf("invitation %+v %v", inv, err)
	}
	if _, err := w.db.Membership(ctx, w.wsA.ID, "user_invitee"); err == nil {
		t.Fatal("a shell invitee became a team member")
	}

	// Signatory: the only group is implied; several groups need a name.
	rec = w.do(owner, "POST", "/api/invitations/signatory/", fmt.Sprintf(`{"user": %d}`, out.User))
	want(t, rec, 200)
	if m := decode[model.UserGroupMemberView](t, rec); !m.IsSignatory || m.User != out.User {
		t.Fatalf("signatory %+v", m)
	}
	w.group(2, 1)
	want(t, w.do(owner, "POST", "/api/invitations/signatory/", fmt.Sprintf(`{"user": %d}`, w.users[1])), 400)
	rec = w.do(owner, "POST", "/api/invitations/signatory/", fmt.Sprintf(`{"user": %d, "group": %d, "is_signatory": false}`, w.users[1], g.ID))
	want(t, rec, 200)
	if m := decode[model.UserGroupMemberView](t, rec); m.IsSignatory {
		t.Fatalf("signatory not cleared %+v", m)
	}
	ofUser, _ := w.svc.OfUser(ctx, w.wsA.ID, out.User)
	if len(ofUser) != 1 || !ofUser[0].IsSignatory || !ofUser[0].IsLead {
		t.Fatalf("OfUser %+v", ofUser)
	}
}

// TestPermissionMatrix runs every route as OWNER, ADMIN and MEMBER of
// workspace A and as the owner of workspace B: OWNER and ADMIN succeed,
// MEMBER is refused (403), B never reaches A's groups (404, or an empty
// list), GET /api/roles/ is open to any member.
func TestPermissionMatrix(t *testing.T) {
	w := newWorld(t, false)
	type target struct{ path, body string }
	lead := 0
	fresh := func() model.UserGroupView { // a new group led by a fresh user, with users[6] as member
		lead++
		u := w.user(w.wsA.ID, fmt.Sprintf("lead%d@alpha.test", lead))
		w.nextSeq++
		rec := w.do(owner, "POST", "/api/user-groups/", fmt.Sprintf(`{"name": "M%d", "lead_user": %d, "members": [{"user": %d}]}`, w.nextSeq, u, w.users[6]))
		want(t, rec, 201)
		return decode[model.UserGroupView](t, rec)
	}
	type row struct {
		method string
		make   func() target
		ok     int  // OWNER and ADMIN
		list   bool // B gets 200 with no results instead of 404
		open   bool // MEMBER allowed too
	}
	gpath := func(g model.UserGroupView, rest string) string {
		return fmt.Sprintf("/api/user-groups/%d/%s", g.ID, rest)
	}
	rows := map[string]row{
		"GET /api/user-groups/": {method: "GET", make: func() target { fresh(); return target{"/api/user-groups/", ""} }, ok: 200, list: true},
		"POST /api/user-groups/": {method: "POST", make: func() target {
			return target{"/api/user-groups/", fmt.Sprintf(`{"name": "New", "lead_user": %d}`, w.user(w.wsA.ID, fmt.Sprintf("new%d@alpha.test", time.Now().UnixNano())))}
		}, ok: 201},
		"GET /api/user-groups/search/":       {method: "GET", make: func() target { return target{"/api/user-groups/search/?name__icontains=m", ""} }, ok: 200, list: true},
		"GET /api/user-groups/by-lead-user/": {method: "GET", make: func() target { return target{"/api/user-groups/by-lead-user/?uuid=" + *fresh().LeadUserUUID, ""} }, ok: 200},
		"GET /api/user-groups/{id}/":         {method: "GET", make: func() target { return target{gpath(fresh(), ""), ""} }, ok: 200},
		"PATCH /api/user-groups/{id}/":       {method: "PATCH", make: func() target { return target{gpath(fresh(), ""), `{"name": "Renamed"}`} }, ok: 200},
		"DELETE /api/user-groups/{id}/":      {method: "DELETE", make: func() target { return target{gpath(fresh(), ""), ""} }, ok: 204},
		"GET /api/user-groups/{id}/users/":   {method: "GET", make: func() target { return target{gpath(fresh(), "users/"), ""} }, ok: 200},
		"POST /api/user-groups/{id}/users/":  {method: "POST", make: func() target { return target{gpath(fresh(), "users/"), fmt.Sprintf(`{"user": %d}`, w.users[7])} }, ok: 201},
		"DELETE /api/user-groups/{id}/users/{user_id}/": {method: "DELETE", make: func() target {
			return target{gpath(fresh(), fmt.Sprintf("users/%d/", w.users[6])), ""}
		}, ok: 204},
		"PATCH /api/user-groups/{id}/role/": {method: "PATCH", make: func() target {
			return target{gpath(fresh(), "role/"), fmt.Sprintf(`{"user": %d, "role": "viewer"}`, w.users[6])}
		}, ok: 200},
		"PATCH /api/user-groups/{id}/feature-flags/": {method: "PATCH", make: func() target {
			return target{gpath(fresh(), "feature-flags/"), `{"flag": "early_access", "enabled": true}`}
		}, ok: 200},
		"GET /api/roles/": {method: "GET", make: func() target { return target{"/api/roles/", ""} }, ok: 200, open: true},
		"POST /api/invitations/signatory/": {method: "POST", make: func() target {
			return target{"/api/invitations/signatory/", fmt.Sprintf(`{"user": %d, "group": %d}`, w.users[6], fresh().ID)}
		}, ok: 200},
	}
	// Every route of this work is in the matrix (the shell invitation's
	// SES e-mail is covered by TestShellInvitation; its refusals here).
	for _, r := range routes.All {
		if r.Seed == "001" && (r.Function == "groups" || r.Path == "/api/invitations/signatory/" || r.Path == "/api/invitations/shell/") {
			if _, ok := rows[r.Key()]; !ok && r.Path != "/api/invitations/shell/" {
				t.Errorf("%s: not in the permission matrix", r.Key())
			}
		}
	}
	for key, r := range rows {
		t.Run(key, func(t *testing.T) {
			for _, caller := range []string{owner, admin} {
				tg := r.make()
				rec := w.do(caller, r.method, tg.path, tg.body)
				if rec.Code != r.ok {
					t.Errorf("%s: %d, want %d: %s", caller, rec.Code, r.ok, rec.Body)
				}
			}
			tg := r.make()
			rec := w.do(member, r.method, tg.path, tg.body)
			wantMember := 403
			if r.open {
				wantMember = r.ok
			}
			if rec.Code != wantMember {
				t.Errorf("MEMBER: %d, want %d: %s", rec.Code, wantMember, rec.Body)
			}
			tg = r.make()
			rec = w.do(other, r.method, tg.path, tg.body)
			switch {
			case r.open || r.list:
				if rec.Code != 200 || (r.list && decode[page[model.UserGroupView]](t, rec).Count != 0) {
					t.Errorf("other workspace: %d %s", rec.Code, rec.Body)
				}
			case key == "POST /api/user-groups/" || key == "POST /api/invitations/signatory/":
				// The body names A's users/groups: unknown in B.
				if rec.Code != 400 {
					t.Errorf("other workspace: %d, want 400: %s", rec.Code, rec.Body)
				}
			default:
				if rec.Code != 404 {
					t.Errorf("other workspace: %d, want 404: %s", rec.Code, rec.Body)
				}
			}
			// No credentials: 401.
			if rec := w.do("", r.method, tg.path, tg.body); rec.Code != 401 {
				t.Errorf("anonymous: %d", rec.Code)
			}
		})
	}
	// The shell invitation: MEMBER refused before anything is written.
	rec := w.do(member, "POST", "/api/invitations/shell/", `{"email": "x@alpha.test", "name": "S"}`)
	want(t, rec, 403)
	if _, err := w.db.UserIDByEmail(context.Background(), w.wsA.ID, "x@alpha.test"); err == nil {
		t.Fatal("a refused shell invitation created a user")
	}
	want(t, w.do("", "POST", "/api/invitations/shell/", `{"email": "x@alpha.test", "name": "S"}`), 401)
}
