package workspaces_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/auth/sessiontest"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/mail/mailtest"
	"github.com/tranche-dev/tranche/pkg/routes"
	"github.com/tranche-dev/tranche/pkg/store"
	"github.com/tranche-dev/tranche/pkg/store/storetest"
	"github.com/tranche-dev/tranche/pkg/workspaces"
)

type world struct {
	t      *testing.T
	db     *store.DB
	env    *sessiontest.Env
	h, inv http.Handler
	wsA    *store.Workspace
	wsB    *store.Workspace
}

func newWorld(t *testing.T) *world {
	t.Helper()
	db := storetest.New(t)
	env := sessiontest.New(t)
	deps := env.Deps(db)
	h, err := workspaces.NewHandler(deps)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, db: db, env: env, h: h}
	a, err := auth.NewAuthenticator(deps)
	if err != nil {
		t.Fatal(err)
	}
	rt2 := httpapi.NewRouter("invitations")
	rt2.Use(a.For)
	workspaces.BindInvitations(rt2, db, mailtest.Sender(t), deps.Log)
	w.inv = rt2.Handler()
	ctx := context.Background()
	mk := func(name, typ, country string) *store.Workspace {
		ws, err := db.CreateWorkspace(ctx, store.WorkspaceFields{Name: name, Type: typ, Country: country, ClerkOrgID: "org_" + strings.ToLower(name)})
		if err != nil {
			t.Fatal(err)
		}
		return ws
	}
	w.wsA, w.wsB = mk("Alpha", "active", "NL"), mk("Bravo", "trial", "US")
	member := func(ws *store.Workspace, user, role, email string) {
		if _, err := db.SyncClerkUser(ctx, store.ClerkUser{ClerkID: user, Email: email, FirstName: user, EmailVerified: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PutMembership(ctx, ws.ID, user, role, ""); err != nil {
			t.Fatal(err)
		}
	}
	member(w.wsA, "user_owner_a", store.RoleOwner, "owner-a@example.com")
	member(w.wsA, "user_member_a", store.RoleMember, "member-a@example.com")
	member(w.wsB, "user_owner_b", store.RoleOwner, "owner-b@example.com")
	return w
}

func (w *world) do(h http.Handler, user, org, method, target, body string) *httptest.ResponseRecorder {
	w.t.Helper()
	var req *http.Request
	if body != "" {
		req = httptest.NewRequest(method, target, strings.NewReader(body))
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	req.Host = "api.tranche.test"
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+w.env.Token(w.t, user, org))
	}
	rec := httptest.NewRecorder()
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

func TestRoutesBound(t *testing.T) {
	for _, fn := range []string{"workspaces", "invitations"} {
		var mine []string
		for _, r := range routes.ByFunction(fn) {
			if fn == "workspaces" || strings.HasPrefix(r.Path, "/api/accounts/") {
				mine = append(mine, r.Key())
			}
		}
		if len(mine) == 0 {
			t.Fatalf("%s: no routes in the table", fn)
		}
	}
	rt := httpapi.NewRouter("workspaces")
	workspaces.AddRoutesForTest(rt)
	if u := rt.Unbound(); len(u) != 0 {
		t.Errorf("unbound: %v", u)
	}
}

func TestUnauthenticated(t *testing.T) {
	w := newWorld(t)
	rec := w.do(w.h, "", "", "GET", "/api/accounts/users/me/", "")
	if rec.Code != 401 || rec.Header().Get("WWW-Authenticate") != "Bearer" || !strings.Contains(rec.Body.String(), "Authentication credentials were not provided.") {
		t.Fatalf("%d %v %s", rec.Code, rec.Header(), rec.Body)
	}
}

func TestMe(t *testing.T) {
	w := newWorld(t)
	rec := w.do(w.h, "user_owner_a", "org_alpha", "GET", "/api/accounts/users/me/", "")
	if rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	me := decode[map[string]any](t, rec)
	for _, k := range []string{"first_name", "last_name", "email", "id", "firebase_uid", "active_user_company_id", "user_company", "company", "job_title", "auth_group", "is_mfa_enrolled", "is_mfa_required", "data_room_consumer_id", "pylon_email_hash"} {
		if _, ok := me[k]; !ok {
			t.Errorf("missing %s", k)
		}
	}
	if me["email"] != "owner-a@example.com" || me["company"].(map[string]any)["name"] != "Alpha" || me["auth_group"].(map[string]any)["name"] != "OWNER" {
		t.Errorf("me: %s", rec.Body)
	}
	if rec.Header().Get("Deprecation") != "" {
		t.Error("users/me is not deprecated")
	}
	old := w.do(w.h, "user_owner_a", "org_alpha", "GET", "/api/accounts/me/", "")
	if old.Code != 200 || old.Header().Get("Deprecation") == "" || old.Body.String() != rec.Body.String() {
		t.Errorf("deprecated me: %d %v", old.Code, old.Header())
	}
}

func TestCompanies(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	for i, spec := range []struct{ name, typ, country string }{{"Charlie Corp", "demo", "DE"}, {"Delta Labs", "test", "NL"}, {"Echo Alpha", "inactive", "BE"}} {
		ws, err := w.db.CreateWorkspace(ctx, store.WorkspaceFields{Name: spec.name, Type: spec.typ, Country: spec.country})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.db.PutMembership(ctx, ws.ID, "user_owner_a", store.RoleMember, fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	type page struct {
		Count    int               `json:"count"`
		Next     *string           `json:"next"`
		Previous *string           `json:"previous"`
		Results  []json.RawMessage `json:"results"`
	}
	names := func(p page) string {
		var out []string
		for _, r := range p.Results {
			var c struct{ Name string }
			_ = json.Unmarshal(r, &c)
			out = append(out, c.Name)
		}
		return strings.Join(out, ",")
	}
	cases := []struct {
		query, want string
		count       int
	}{
		{"", "Alpha,Charlie Corp,Delta Labs,Echo Alpha", 4},
		{"?name=Alpha", "Alpha", 1},
		{"?name__icontains=ALPHA", "Alpha,Echo Alpha", 2},
		{"?name__istartswith=d", "Delta Labs", 1},
		{"?name__iendswith=CORP", "Charlie Corp", 1},
		{"?country=NL", "Alpha,Delta Labs", 2},
		{"?country__in=DE,BE", "Charlie Corp,Echo Alpha", 2},
		{"?country__icontains=l", "Alpha,Delta Labs", 2},
		{"?country__istartswith=b&country__iendswith=E", "Echo Alpha", 1},
		{"?type=demo", "Charlie Corp", 1},
		{"?type__in=demo,test", "Charlie Corp,Delta Labs", 2},
		{"?type__exclude=active", "Charlie Corp,Delta Labs,Echo Alpha", 3},
		{"?ordering=-name", "Echo Alpha,Delta Labs,Charlie Corp,Alpha", 4},
		{"?ordering=country,bogus", "Echo Alpha,Charlie Corp,Alpha,Delta Labs", 4},
		{"?search=alpha", "Alpha,Echo Alpha", 2},
		{"?search=echo,alpha", "Echo Alpha", 1},
		{"?search=%22labs+delta%22", "", 0},
		{"?name=", "Alpha,Charlie Corp,Delta Labs,Echo Alpha", 4},
		{"?unknown=1", "Alpha,Charlie Corp,Delta Labs,Echo Alpha", 4},
		{"?limit=2", "Alpha,Charlie Corp", 4},
		{"?limit=2&offset=2", "Delta Labs,Echo Alpha", 4},
		{"?limit=abc", "Alpha,Charlie Corp,Delta Labs,Echo Alpha", 4},
		{"?limit=0", "Alpha,Charlie Corp,Delta Labs,Echo Alpha", 4},
		{"?offset=-3&limit=1", "Alpha", 4},
		{"?offset=x&limit=1", "Alpha", 4},
		{"?offset=99", "", 4},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			rec := w.do(w.h, "user_owner_a", "org_alpha", "GET", "/api/accounts/companies/"+c.query, "")
			if rec.Code != 200 {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
			p := decode[page](t, rec)
			if names(p) != c.want || p.Count != c.count {
				t.Errorf("got %q (count %d), want %q (%d)", names(p), p.Count, c.want, c.count)
			}
		})
	}
	t.Run("links", func(t *testing.T) {
		p := decode[page](t, w.do(w.h, "user_owner_a", "", "GET", "/api/accounts/companies/?limit=1&offset=2&type__exclude=zzz", ""))
		_ = p
		rec := w.do(w.h, "user_owner_a", "", "GET", "/api/accounts/companies/?limit=1&offset=1", "")
		p = decode[page](t, rec)
		if p.Next == nil || *p.Next != "https://api.tranche.test/api/accounts/companies/?limit=1&offset=2" {
			t.Errorf("next %v", p.Next)
		}
		if p.Previous == nil || *p.Previous != "https://api.tranche.test/api/accounts/companies/?limit=1" {
			t.Errorf("previous %v", p.Previous)
		}
		row := map[string]any{}
		_ = json.Unmarshal(p.Results[0], &row)
		for _, k := range []string{"workspace_id", "workspace_name", "id", "name", "type", "country", "member_count", "is_mfa_enabled", "created_at", "updated_at"} {
			if _, ok := row[k]; !ok {
				t.Errorf("row misses %s", k)
			}
		}
	})
	t.Run("invalid choices", func(t *testing.T) {
		// Only the exact lookup of a field with choices is a ChoiceFilter
		// in django-filter (FilterSet.filter_for_lookup); __in is a CSV of
		// the column's CharFilter and type__exclude a declared CharFilter,
		// so their values are compared, not validated.
		rec := w.do(w.h, "user_owner_a", "", "GET", "/api/accounts/companies/?type=bogus", "")
		if rec.Code != 400 || !strings.Contains(rec.Body.String(), "Select a valid choice.") {
			t.Errorf("?type=bogus: %d %s", rec.Code, rec.Body)
		}
		for q, want := range map[string]string{
			"?type__in=demo,bogus": "Charlie Corp",
			"?type__exclude=bogus": "Alpha,Charlie Corp,Delta Labs,Echo Alpha",
		} {
			rec := w.do(w.h, "user_owner_a", "", "GET", "/api/accounts/companies/"+q, "")
			if rec.Code != 200 || names(decode[page](t, rec)) != want {
				t.Errorf("%s: %d %s", q, rec.Code, rec.Body)
			}
		}
	})
	t.Run("max limit", func(t *testing.T) {
		p := decode[page](t, w.do(w.h, "user_owner_a", "", "GET", "/api/accounts/companies/?limit=100000", ""))
		if len(p.Results) != 4 {
			t.Errorf("%d", len(p.Results))
		}
	})
}

func TestUsersAndWorkspaces(t *testing.T) {
	w := newWorld(t)
	rec := w.do(w.h, "user_owner_a", "org_alpha", "GET", "/api/accounts/users/", "")
	if rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	users := decode[[]map[string]any](t, rec)
	if len(users) != 2 || users[0]["email"] != "owner-a@example.com" || users[1]["email"] != "member-a@example.com" {
		t.Fatalf("users: %s", rec.Body)
	}
	if rec := w.do(w.h, "user_member_a", "org_alpha", "GET", "/api/accounts/users/", ""); rec.Code != 403 {
		t.Fatalf("member without view_user: %d", rec.Code)
	}
	if rec := w.do(w.h, "user_owner_a", "", "GET", "/api/accounts/users/?search=member&limit=5", ""); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"count":1`) {
		t.Fatalf("paged search: %d %s", rec.Code, rec.Body)
	}

	rec = w.do(w.h, "user_owner_a", "", "GET", "/api/accounts/workspaces/", "")
	got := decode[map[string][]map[string]any](t, rec)
	if len(got["workspaces"]) != 1 || got["workspaces"][0]["workspace_name"] != "Alpha" || got["workspaces"][0]["member_count"] != float64(2) {
		t.Fatalf("workspaces: %s", rec.Body)
	}

	// Switching: only to a workspace of one's own.
	if rec := w.do(w.h, "user_owner_a", "", "POST", "/api/accounts/workspaces/switch/", fmt.Sprintf(`{"company_id": %d}`, w.wsB.Number)); rec.Code != 403 {
		t.Fatalf("switch to foreign: %d %s", rec.Code, rec.Body)
	}
	if rec := w.do(w.h, "user_owner_a", "", "POST", "/api/accounts/workspaces/switch/", `{}`); rec.Code != 400 || !strings.Contains(rec.Body.String(), "company_id") {
		t.Fatalf("switch without id: %d %s", rec.Code, rec.Body)
	}
	if rec := w.do(w.h, "user_owner_a", "", "POST", "/api/accounts/workspaces/switch/", `{"company_id":"x"}`); rec.Code != 400 {
		t.Fatalf("switch bad id: %d %s", rec.Code, rec.Body)
	}
	if _, err := w.db.PutMembership(context.Background(), w.wsB.ID, "user_owner_a", store.RoleMember, ""); err != nil {
		t.Fatal(err)
	}
	rec = w.do(w.h, "user_owner_a", "org_alpha", "POST", "/api/accounts/workspaces/switch/", fmt.Sprintf(`{"company_id": %d}`, w.wsB.Number))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"message"`) {
		t.Fatalf("switch: %d %s", rec.Code, rec.Body)
	}
	me := decode[map[string]any](t, w.do(w.h, "user_owner_a", "org_alpha", "GET", "/api/accounts/users/me/", ""))
	if me["company"].(map[string]any)["name"] != "Bravo" || me["auth_group"].(map[string]any)["name"] != "MEMBER" {
		t.Fatalf("after switch: %v", me)
	}
	// A later organisation switch in Clerk (another org claim) wins again.
	if _, err := w.db.CreateWorkspace(context.Background(), store.WorkspaceFields{Name: "Other", ClerkOrgID: "org_other"}); err != nil {
		t.Fatal(err)
	}
}

func TestInvitations(t *testing.T) {
	w := newWorld(t)
	email := fmt.Sprintf("invitee-%d@example.com", w.wsA.Number*1000+int64(len(t.Name())))
	email = strings.Replace(email, "invitee-", "invitee-"+strings.ToLower(w.db.Name()[len(w.db.Name())-6:])+"-", 1)
	rec := w.do(w.inv, "user_owner_a", "org_alpha", "POST", "/api/accounts/invitations/", fmt.Sprintf(`{"email":%q,"auth_group":2}`, email))
	if rec.Code != 201 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	created := decode[map[string]any](t, rec)
	id, _ := created["id"].(string)
	if len(id) != 36 || created["email"] != email || created["auth_group"] != float64(2) || len(created) != 3 {
		t.Fatalf("created: %s", rec.Body)
	}
	mails := mailtest.To(t, email)
	if len(mails) != 1 || !strings.Contains(mails[0].Body.Text, id) || !strings.Contains(mails[0].Subject, "Alpha") {
		t.Fatalf("mail: %+v", mails)
	}
	if rec := w.do(w.inv, "user_owner_a", "org_alpha", "POST", "/api/accounts/invitations/", fmt.Sprintf(`{"email":%q,"auth_group":3}`, strings.ToUpper(email))); rec.Code != 400 || !strings.Contains(rec.Body.String(), "email") {
		t.Fatalf("duplicate: %d %s", rec.Code, rec.Body)
	}
	bad := []struct {
		user, body string
		want       int
	}{
		{"user_owner_a", `{"email":"x@example.com","auth_group":1}`, 400},  // owners cannot be invited
		{"user_member_a", `{"email":"y@example.com","auth_group":2}`, 403}, // members cannot invite admins
		{"user_owner_a", `{"email":"not-an-email","auth_group":3}`, 400},
		{"user_owner_a", `{"auth_group":3}`, 400},
		{"user_owner_a", `{"email":"z@example.com","auth_group":99}`, 400},
		{"user_owner_a", `{"email":"member-a@example.com","auth_group":3}`, 400}, // already a member
	}
	for _, b := range bad {
		if rec := w.do(w.inv, b.user, "org_alpha", "POST", "/api/accounts/invitations/", b.body); rec.Code != b.want {
			t.Errorf("%s %s: %d %s", b.user, b.body, rec.Code, rec.Body)
		}
	}

	rec = w.do(w.inv, "user_owner_a", "org_alpha", "GET", "/api/accounts/invitations/"+id+"/", "")
	status := decode[map[string]any](t, rec)
	if rec.Code != 200 || status["is_existing_user"] != false || status["is_active"] != "true" || status["auth_group_id"] != "2" || status["company"].(map[string]any)["name"] != "Alpha" {
		t.Fatalf("status: %d %s", rec.Code, rec.Body)
	}

	// The invitee signs up and signs in: the membership exists.
	ctx := context.Background()
	if _, err := w.db.SyncClerkUser(ctx, store.ClerkUser{ClerkID: "user_invitee", Email: email, EmailVerified: true}); err != nil {
		t.Fatal(err)
	}
	me := decode[map[string]any](t, w.do(w.h, "user_invitee", "", "GET", "/api/accounts/users/me/", ""))
	if me["company"] == nil || me["company"].(map[string]any)["name"] != "Alpha" || me["auth_group"].(map[string]any)["name"] != "ADMIN" {
		t.Fatalf("invitee after sign-in: %v", me)
	}
	status = decode[map[string]any](t, w.do(w.inv, "user_owner_a", "org_alpha", "GET", "/api/accounts/invitations/"+id+"/", ""))
	if status["is_active"] != "false" || status["is_existing_user"] != true {
		t.Fatalf("accepted status: %v", status)
	}
}

// TestTenancy calls every jwt route as a member of workspace A against
// workspace B's objects: 403/404 and nothing changes.
func TestTenancy(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	invB, err := w.db.CreateInvitation(ctx, w.wsB.ID, "b-invitee@example.com", 3, store.RoleMember, "user_owner_b")
	if err != nil {
		t.Fatal(err)
	}
	before, _ := w.db.Workspace(ctx, w.wsB.ID)
	checks := []struct {
		h            http.Handler
		method, path string
		body         string
		want         []int
		mustNot      []string
	}{
		{w.h, "GET", "/api/accounts/companies/", "", []int{200}, []string{"Bravo"}},
		{w.h, "GET", "/api/accounts/companies/?name=Bravo", "", []int{200}, []string{"Bravo"}},
		{w.h, "GET", "/api/accounts/users/", "", []int{200}, []string{"owner-b@example.com"}},
		{w.h, "GET", "/api/accounts/users/me/", "", []int{200}, []string{"Bravo"}},
		{w.h, "GET", "/api/accounts/me/", "", []int{200}, []string{"Bravo"}},
		{w.h, "GET", "/api/accounts/workspaces/", "", []int{200}, []string{"Bravo"}},
		{w.h, "POST", "/api/accounts/workspaces/switch/", fmt.Sprintf(`{"company_id":%d}`, w.wsB.Number), []int{403}, nil},
		{w.inv, "GET", "/api/accounts/invitations/" + invB.ID + "/", "", []int{404}, nil},
		{w.inv, "POST", "/api/accounts/invitations/", `{"email":"b-invitee@example.com","auth_group":3}`, []int{201, 400}, nil},
	}
	// Also with B's organisation in the token: membership decides, not the claim.
	for _, org := range []string{"org_alpha", "org_bravo"} {
		for _, c := range checks {
			rec := w.do(c.h, "user_owner_a", org, c.method, c.path, c.body)
			ok := false
			for _, s := range c.want {
				ok = ok || rec.Code == s
			}
			if !ok {
				t.Errorf("%s %s %s: %d %s", org, c.method, c.path, rec.Code, rec.Body)
			}
			for _, s := range c.mustNot {
				if strings.Contains(rec.Body.String(), s) {
					t.Errorf("%s %s %s leaks %q: %s", org, c.method, c.path, s, rec.Body)
				}
			}
		}
	}
	after, _ := w.db.Workspace(ctx, w.wsB.ID)
	if after.Version != before.Version || after.MemberCount != before.MemberCount {
		t.Errorf("workspace B changed: %+v → %+v", before, after)
	}
	if ms, _ := w.db.Members(ctx, w.wsB.ID); len(ms) != 1 {
		t.Errorf("B's members: %+v", ms)
	}
	if inv, _ := w.db.Invitation(ctx, w.wsB.ID, invB.ID); inv.Status != store.InvitationPending {
		t.Errorf("B's invitation changed: %+v", inv)
	}
	if id, _ := w.db.Identity(ctx, "user_owner_a"); id.ActiveWorkspace == w.wsB.ID {
		t.Error("switched into B")
	}
}
