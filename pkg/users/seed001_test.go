package users

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/auth/sessiontest"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/mail/mailtest"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
	"github.com/tranche-dev/tranche/pkg/store/storetest"
)

// world001 is two workspaces with a team each, and users of every type in
// A, served by the users function's real handler on DynamoDB Local with
// the SES emulator.
type world001 struct {
	t        *testing.T
	db       *store.DB
	env      *sessiontest.Env
	h, inv   http.Handler
	wsA, wsB *store.Workspace
	suffix   string
	// users of A by role
	issuer, investor, plain int64
}

func newWorld001(t *testing.T, ex Exporter, gap time.Duration) *world001 {
	t.Helper()
	db := storetest.New(t)
	env := sessiontest.New(t)
	deps := env.Deps(db)
	a, err := auth.NewAuthenticator(deps)
	if err != nil {
		t.Fatal(err)
	}
	inv := httpapi.NewRouter("invitations")
	inv.Use(a.For)
	BindInvitations(inv, deps.DB, mailtest.Sender(t), gap)
	w := &world001{t: t, db: db, env: env, h: newHandler(deps, ex), inv: inv.Handler(), suffix: fmt.Sprint(time.Now().UnixNano())}
	ctx := context.Background()
	mk := func(name string) *store.Workspace {
		ws, err := db.CreateWorkspace(ctx, store.WorkspaceFields{Name: name, Type: "active", Country: "NL", ClerkOrgID: "org_" + strings.ToLower(name)})
		if err != nil {
			t.Fatal(err)
		}
		return ws
	}
	w.wsA, w.wsB = mk("Alpha"), mk("Bravo")
	member := func(ws *store.Workspace, user, role string) {
		if _, err := db.SyncClerkUser(ctx, store.ClerkUser{ClerkID: user, Email: user + "@example.com", FirstName: user, EmailVerified: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PutMembership(ctx, ws.ID, user, role, ""); err != nil {
			t.Fatal(err)
		}
	}
	member(w.wsA, "owner_a", store.RoleOwner)
	member(w.wsA, "admin_a", store.RoleAdmin)
	member(w.wsA, "member_a", store.RoleMember)
	member(w.wsB, "owner_b", store.RoleOwner)
	joined := model.NewTime(time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC))
	iss := "issuer@example.com"
	objs := store.Objects{
		Users: []model.User{
			{ID: 1, Email: iss, FirstName: "Ida", LastName: "Issuer", DateJoined: joined, ThirdPartyIssuerEmail: &iss, IsActive: true, Version: 1},
			{ID: 2, Email: "investor@example.com", FirstName: "Ivo", LastName: "Investor", DateJoined: joined, IsActive: true, Version: 1},
			{ID: 3, Email: "plain@example.com", FirstName: "=HYPERLINK(\"x\")", LastName: "-1+2", DateJoined: model.NewTime(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)), IsActive: true, Version: 1},
		},
		Investors: []model.Investor{{ID: 1, User: 2, Type: "person", Version: 1}},
	}
	if _, err := db.PutMissing(ctx, w.wsA.ID, objs, nil); err != nil {
		t.Fatal(err)
	}
	w.issuer, w.investor, w.plain = 1, 2, 3
	// Each member's first request signs them in, which links their user
	// record (store.LinkMemberUsers).
	for _, u := range []string{"owner_a", "admin_a", "member_a", "owner_b"} {
		w.do(u, "GET", "/api/user-types/all/users/", "")
	}
	return w
}

func (w *world001) org(user string) string {
	if strings.HasSuffix(user, "_b") {
		return w.wsB.ClerkOrgID
	}
	return w.wsA.ClerkOrgID
}

func (w *world001) do(user, method, target, body string) *httptest.ResponseRecorder {
	w.t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Host = "api.tranche.test"
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+w.env.Token(w.t, user, w.org(user)))
	}
	rec := httptest.NewRecorder()
	if strings.HasPrefix(target, "/api/invitations/") {
		w.inv.ServeHTTP(rec, req)
	} else {
		w.h.ServeHTTP(rec, req)
	}
	return rec
}

func (w *world001) ok(user, method, target, body string, status int) *httptest.ResponseRecorder {
	w.t.Helper()
	rec := w.do(user, method, target, body)
	if rec.Code != status {
		w.t.Fatalf("%s %s %s as %s: %d %s, want %d", method, target, body, user, rec.Code, rec.Body, status)
	}
	return rec
}

func decodeAs[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("%v: %s", err, rec.Body)
	}
	return v
}

type listPage struct {
	Count   int    `json:"count"`
	Results []User `json:"results"`
}

func emails(us []User) []string {
	var out []string
	for _, u := range us {
		out = append(out, u.Email)
	}
	return out
}

func TestUserTypesAndList(t *testing.T) {
	w := newWorld001(t, Exporter{Inline: DefaultInline}, ResendGap)
	all := decodeAs[listPage](t, w.ok("owner_a", "GET", "/api/user-types/all/users/?page_size=100", "", 200))
	types := map[string]string{}
	for _, u := range all.Results {
		types[u.Email] = u.Type
		if u.UUID != model.UserUUID(w.wsA.ID, u.ID) {
			t.Errorf("%s: uuid %s", u.Email, u.UUID)
		}
	}
	want := map[string]string{"issuer@example.com": TypeIssuer, "investor@example.com": TypeInvestor, "plain@example.com": TypeUser,
		"owner_a@example.com": TypeInternal, "admin_a@example.com": TypeInternal, "member_a@example.com": TypeInternal}
	if fmt.Sprint(types) != fmt.Sprint(want) {
		t.Errorf("types = %v, want %v", types, want)
	}
	for q, want := range map[string][]string{
		"/api/user-types/investor/users/":                              {"investor@example.com"},
		"/api/user-types/issuer/users/":                                {"issuer@example.com"},
		"/api/user-types/internal/users/?ordering=-email":              {"owner_a@example.com", "member_a@example.com", "admin_a@example.com"},
		"/api/user-types/all/users/?type=user":                         {"plain@example.com"},
		"/api/user-types/all/users/?type__in=user,issuer":              {"issuer@example.com", "plain@example.com"},
		"/api/user-types/all/users/?search=IVO":                        {"investor@example.com"},
		"/api/user-types/all/users/?email__icontains=PLAIN":            {"plain@example.com"},
		"/api/user-types/all/users/?last_name=Issuer":                  {"issuer@example.com"},
		"/api/user-types/all/users/?date_joined__date__lte=2024-12-31": {"issuer@example.com", "investor@example.com"},
	} {
		got := decodeAs[listPage](t, w.ok("admin_a", "GET", q, "", 200))
		if !slices.Equal(emails(got.Results), want) {
			t.Errorf("%s = %v, want %v", q, emails(got.Results), want)
		}
	}
	w.ok("owner_a", "GET", "/api/user-types/robots/users/", "", 404)
	if rec := w.ok("owner_a", "GET", "/api/user-types/all/users/?type=robot", "", 400); !strings.Contains(rec.Body.String(), `"type"`) {
		t.Errorf("bad type filter: %s", rec.Body)
	}
	w.ok("member_a", "GET", "/api/user-types/all/users/", "", 403)
	w.ok("", "GET", "/api/user-types/all/users/", "", 401)
	// Another workspace sees only its own users.
	b := decodeAs[listPage](t, w.ok("owner_b", "GET", "/api/user-types/all/users/", "", 200))
	if !slices.Equal(emails(b.Results), []string{"owner_b@example.com"}) {
		t.Errorf("workspace B lists %v", emails(b.Results))
	}
}

func userID(t *testing.T, w *world001, email string) int64 {
	t.Helper()
	u, err := w.db.UserByEmail(context.Background(), w.wsA.ID, email)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func TestGraphAndProfile(t *testing.T) {
	w := newWorld001(t, Exporter{Inline: DefaultInline}, ResendGap)
	w.ok("owner_a", "GET", "/api/user-types/all/users/", "", 200)
	g := decodeAs[Graph](t, w.ok("owner_a", "GET", fmt.Sprintf("/api/users/%d/all/", w.investor), "", 200))
	if g.User.Type != TypeInvestor || len(g.Investors) != 1 || g.Investors[0].Investor.ID != 1 || g.Membership != nil {
		t.Errorf("investor graph: %+v", g)
	}
	owner := userID(t, w, "owner_a@example.com")
	g = decodeAs[Graph](t, w.ok("admin_a", "GET", fmt.Sprintf("/api/users/%d/all/", owner), "", 200))
	if g.User.Type != TypeInternal || g.Membership == nil || g.Membership.Role != store.RoleOwner || g.Membership.AuthGroup != 1 {
		t.Errorf("owner graph: %+v", g)
	}
	w.ok("member_a", "GET", fmt.Sprintf("/api/users/%d/all/", owner), "", 403)
	w.ok("owner_b", "GET", fmt.Sprintf("/api/users/%d/all/", w.investor), "", 404)
	w.ok("owner_a", "GET", "/api/users/999/all/", "", 404)

	path := fmt.Sprintf("/api/users/%d/profile/", w.plain)
	u := decodeAs[User](t, w.ok("owner_a", "PATCH", path, `{"first_name": "Paula", "last_name": ""}`, 200))
	if u.FirstName != "Paula" || u.LastName != "" || u.Email != "plain@example.com" {
		t.Errorf("profile: %+v", u)
	}
	if rec := w.ok("owner_a", "PATCH", path, `{"first_name": ["x"], "last_name": "`+strings.Repeat("x", 151)+`"}`, 400); !strings.Contains(rec.Body.String(), "first_name") || !strings.Contains(rec.Body.String(), "last_name") {
		t.Errorf("bad profile: %s", rec.Body)
	}
	w.ok("member_a", "PATCH", path, `{"first_name": "No"}`, 403)
	w.ok("owner_b", "PATCH", path, `{"first_name": "No"}`, 404)
	w.ok("owner_a", "PATCH", "/api/users/999/profile/", `{"first_name": "No"}`, 404)
	if got, _ := w.db.UserForWrite(context.Background(), w.wsA.ID, w.plain); got.FirstName != "Paula" {
		t.Errorf("refused writes changed the user: %+v", got)
	}
	me := decodeAs[User](t, w.ok("member_a", "PATCH", "/api/users/me/", `{"last_name": "Member"}`, 200))
	if me.Email != "member_a@example.com" || me.LastName != "Member" || me.Type != TypeInternal {
		t.Errorf("me: %+v", me)
	}
	bme := decodeAs[User](t, w.ok("owner_b", "PATCH", "/api/users/me/", `{"first_name": "Bea"}`, 200))
	if _, err := w.db.UserByEmail(context.Background(), w.wsA.ID, "owner_b@example.com"); err == nil || bme.FirstName != "Bea" {
		t.Errorf("B's /me/ touched workspace A or failed: %+v", bme)
	}
}

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestExportInline(t *testing.T) {
	w := newWorld001(t, Exporter{Inline: DefaultInline}, ResendGap)
	rec := w.ok("owner_a", "GET", "/api/users/export/", "", 200)
	if ct := rec.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" || !strings.Contains(rec.Header().Get("Content-Disposition"), "users.csv") {
		t.Errorf("headers: %v", rec.Header())
	}
	recs := readCSV(t, rec.Body.Bytes())
	if !slices.Equal(recs[0], ExportColumns) || len(recs) != 7 {
		t.Fatalf("export: %v", recs)
	}
	byEmail := map[string][]string{}
	for _, r := range recs[1:] {
		byEmail[r[2]] = r
	}
	p := byEmail["plain@example.com"]
	if p[3] != `'=HYPERLINK("x")` || p[4] != "'-1+2" || p[5] != TypeUser || p[1] != model.UserUUID(w.wsA.ID, w.plain) || p[6] != "2025-01-01T00:00:00Z" {
		t.Errorf("plain row: %q", p)
	}
	if byEmail["issuer@example.com"][8] != "issuer@example.com" || byEmail["owner_a@example.com"][5] != TypeInternal {
		t.Errorf("rows: %q", byEmail)
	}
	recs = readCSV(t, w.ok("admin_a", "GET", "/api/user-types/investor/export/", "", 200).Body.Bytes())
	if len(recs) != 2 || recs[1][2] != "investor@example.com" {
		t.Errorf("investor export: %v", recs)
	}
	w.ok("admin_a", "GET", "/api/user-types/nope/export/", "", 404)
	w.ok("member_a", "GET", "/api/users/export/", "", 403)
	recs = readCSV(t, w.ok("owner_b", "GET", "/api/users/export/", "", 200).Body.Bytes())
	if len(recs) != 2 || recs[1][2] != "owner_b@example.com" {
		t.Errorf("B's export: %v", recs)
	}
}

func sentTo(t *testing.T, addr string) []mailtest.Email { return mailtest.To(t, addr) }

func TestInvitations(t *testing.T) {
	w := newWorld001(t, Exporter{Inline: DefaultInline}, 0)
	addr := "new-investor-" + w.suffix + "@example.com"
	inv := decodeAs[Invitation](t, w.ok("owner_a", "POST", "/api/invitations/", `{"email": "`+addr+`", "type": "investor", "first_name": "Nia"}`, 201))
	if inv.Email != addr || inv.Type != TypeInvestor || inv.Status != store.InvitationPending || inv.SentCount != 1 {
		t.Errorf("invitation: %+v", inv)
	}
	mails := sentTo(t, addr)
	if len(mails) != 1 || !strings.Contains(mails[0].Body.Text, "/invitations/"+inv.ID+"/accept/") || !strings.Contains(mails[0].Subject, "Alpha") {
		t.Fatalf("mails: %+v", mails)
	}
	// The invitee is a user of the workspace from now on, and their graph
	// shows the invitation.
	id := userID(t, w, addr)
	g := decodeAs[Graph](t, w.ok("owner_a", "GET", fmt.Sprintf("/api/users/%d/all/", id), "", 200))
	if g.User.FirstName != "Nia" || len(g.Invitations) != 1 || g.Invitations[0].ID != inv.ID {
		t.Errorf("invitee graph: %+v", g)
	}
	for body, want := range map[string]string{
		`{"email": "` + addr + `", "type": "investor"}`: "A pending invitation for this email address already exists.",
		`{"email": "x@example.com", "type": "robot"}`:   `"type"`,
		`{"type": "user"}`: `"email"`,
		`{"email": "not-an-address", "type": "user"}`: `"email"`,
	} {
		if rec := w.ok("owner_a", "POST", "/api/invitations/", body, 400); !strings.Contains(rec.Body.String(), want) {
			t.Errorf("%s: %s", body, rec.Body)
		}
	}
	w.ok("member_a", "POST", "/api/invitations/", `{"email": "m-`+addr+`", "type": "user"}`, 403)
	if _, err := w.db.UserByEmail(context.Background(), w.wsA.ID, "m-"+addr); err == nil {
		t.Error("a refused invitation created a user")
	}

	// An issuer invitation makes a third-party issuer user.
	iaddr := "issuer-" + w.suffix + "@example.com"
	w.ok("admin_a", "POST", "/api/invitations/", `{"email": "`+iaddr+`", "type": "issuer"}`, 201)
	if u, err := w.db.UserByEmail(context.Background(), w.wsA.ID, iaddr); err != nil || u.ThirdPartyIssuerEmail == nil {
		t.Errorf("issuer invitee: %+v %v", u, err)
	}

	// Internal invitations: seed 004's rules, a membership at sign-in.
	taddr := "team-" + w.suffix + "@example.com"
	tinv := decodeAs[Invitation](t, w.ok("member_a", "POST", "/api/invitations/internal/", `{"email": "`+taddr+`", "auth_group": 3}`, 201))
	if tinv.Type != TypeInternal || tinv.AuthGroup == nil || *tinv.AuthGroup != 3 || len(sentTo(t, taddr)) != 1 {
		t.Errorf("internal invitation: %+v", tinv)
	}
	w.ok("member_a", "POST", "/api/invitations/internal/", `{"email": "a-`+taddr+`", "auth_group": 2}`, 403)
	w.ok("owner_a", "POST", "/api/invitations/internal/", `{"email": "o-`+taddr+`", "auth_group": 1}`, 400)
	w.ok("owner_a", "POST", "/api/invitations/internal/", `{"email": "member_a@example.com", "auth_group": 3}`, 400)
	joined, err := w.db.AcceptInvitations(context.Background(), "user_team", taddr)
	if err != nil || len(joined) != 1 || joined[0] != w.wsA.ID {
		t.Fatalf("sign-in accepted %v %v", joined, err)
	}

	// Resend: a new e-mail of the same invitation; gap 0 here, MaxSends
	// in all.
	resend := "/api/invitations/" + inv.ID + "/resend/"
	for n := 2; n <= MaxSends; n++ {
		got := decodeAs[Invitation](t, w.ok("admin_a", "POST", resend, ``, 200))
		if got.ID != inv.ID || got.SentCount != n {
			t.Errorf("resend %d: %+v", n, got)
		}
	}
	if mails := sentTo(t, addr); len(mails) != MaxSends || !strings.HasPrefix(mails[MaxSends-1].Subject, "Reminder:") {
		t.Errorf("after resends: %d mails", len(mails))
	}
	if rec := w.ok("admin_a", "POST", resend, ``, 429); rec.Header().Get("Retry-After") == "" {
		t.Errorf("429 without Retry-After: %v", rec.Header())
	}
	w.ok("member_a", "POST", resend, ``, 403) // a user invitation needs add_user
	w.ok("owner_b", "POST", resend, ``, 404)
	w.ok("owner_a", "POST", "/api/invitations/00000000-0000-0000-0000-000000000000/resend/", ``, 404)
	w.ok("owner_a", "POST", "/api/invitations/nope/resend/", ``, 404)
	if rec := w.ok("owner_a", "POST", "/api/invitations/"+tinv.ID+"/resend/", ``, 400); !strings.Contains(rec.Body.String(), "accepted") {
		t.Errorf("resend of an accepted invitation: %s", rec.Body)
	}
	if n := len(sentTo(t, taddr)); n != 1 {
		t.Errorf("accepted invitation mailed %d times", n)
	}

	// The user invitee signs in: their invitation is accepted (no
	// membership: they are not the team), and resending it is a 400.
	if _, err := w.db.SyncClerkUser(context.Background(), store.ClerkUser{ClerkID: "user_invitee", Email: addr, EmailVerified: true}); err != nil {
		t.Fatal(err)
	}
	w.ok("user_invitee", "GET", "/api/user-types/all/users/", "", 403)
	g = decodeAs[Graph](t, w.ok("owner_a", "GET", fmt.Sprintf("/api/users/%d/all/", id), "", 200))
	if len(g.Invitations) != 1 || g.Invitations[0].Status != store.InvitationAccepted || g.Membership != nil {
		t.Errorf("after the invitee's sign-in: %+v", g)
	}
	if rec := w.ok("owner_a", "POST", resend, ``, 400); !strings.Contains(rec.Body.String(), "accepted") {
		t.Errorf("resend of an accepted user invitation: %s", rec.Body)
	}
	// The address may be invited again (the uniqueness item is gone).
	w.ok("owner_a", "POST", "/api/invitations/", `{"email": "`+addr+`", "type": "investor"}`, 201)
}

func TestResendTooSoon(t *testing.T) {
	w := newWorld001(t, Exporter{Inline: DefaultInline}, time.Hour)
	addr := "soon-" + w.suffix + "@example.com"
	inv := decodeAs[Invitation](t, w.ok("owner_a", "POST", "/api/invitations/", `{"email": "`+addr+`", "type": "user"}`, 201))
	rec := w.ok("owner_a", "POST", "/api/invitations/"+inv.ID+"/resend/", ``, 429)
	if !strings.Contains(rec.Body.String(), "throttled") {
		t.Errorf("too soon: %s", rec.Body)
	}
	if n := len(sentTo(t, addr)); n != 1 {
		t.Errorf("%d mails", n)
	}
}

func TestLoginTokens(t *testing.T) {
	w := newWorld001(t, Exporter{Inline: DefaultInline}, ResendGap)
	grp := w.group(w.investor)
	body := fmt.Sprintf(`{"user": %d, "group": %d}`, w.investor, grp)
	tok := decodeAs[LoginToken](t, w.ok("owner_a", "POST", "/api/invitations/login-token/", body, 201))
	if !strings.HasPrefix(tok.Token, "tlt_") || tok.User != w.investor || tok.Group != grp || time.Until(tok.ExpiresAt.Time) > LoginTokenTTL {
		t.Errorf("token: %+v", tok)
	}
	w.ok("member_a", "POST", "/api/invitations/login-token/", body, 403)
	w.ok("admin_a", "POST", "/api/invitations/login-token/", body, 201)
	w.ok("owner_b", "POST", "/api/invitations/login-token/", body, 400) // A's user is not B's
	w.ok("owner_a", "POST", "/api/invitations/login-token/", `{"user": 999, "group": 7}`, 400)
	// Scoped to a group the user belongs to: another group, or none, is refused.
	if rec := w.ok("owner_a", "POST", "/api/invitations/login-token/", fmt.Sprintf(`{"user": %d, "group": %d}`, w.plain, grp), 400); !strings.Contains(rec.Body.String(), "not a member") {
		t.Errorf("non-member: %s", rec.Body)
	}
	if rec := w.ok("owner_a", "POST", "/api/invitations/login-token/", fmt.Sprintf(`{"user": %d, "group": 999}`, w.investor), 400); !strings.Contains(rec.Body.String(), `"group"`) {
		t.Errorf("unknown group: %s", rec.Body)
	}
	w.ok("owner_a", "POST", "/api/invitations/login-token/", `{"user": 0}`, 400)

	ex := `{"token": "` + tok.Token + `"}`
	w.ok("member_a", "POST", "/api/invitations/login-token/exchange/", ex, 403)
	w.ok("owner_b", "POST", "/api/invitations/login-token/exchange/", ex, 400) // another workspace's: not spent
	got := decodeAs[Exchange](t, w.ok("admin_a", "POST", "/api/invitations/login-token/exchange/", ex, 200))
	if got.User.ID != w.investor || got.User.Type != TypeInvestor || got.Group != grp || got.ImpersonatedBy != "user:owner_a" {
		t.Errorf("exchange: %+v", got)
	}
	w.ok("owner_a", "POST", "/api/invitations/login-token/exchange/", ex, 400) // single use
	w.ok("owner_a", "POST", "/api/invitations/login-token/exchange/", `{"token": "tlt_guess"}`, 400)

	// Expiry: a token past its time is refused, and stays unspent.
	ctx := context.Background()
	if _, err := w.db.MintLoginToken(ctx, w.wsA.ID, "tlt_expired", w.plain, 1, "user:owner_a", time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	w.ok("owner_a", "POST", "/api/invitations/login-token/exchange/", `{"token": "tlt_expired"}`, 400)

	// Racing uses spend a token once.
	if _, err := w.db.MintLoginToken(ctx, w.wsA.ID, "tlt_race", w.plain, 1, "user:owner_a", time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	wins := make(chan bool, 8)
	for range 8 {
		go func() {
			_, err := w.db.UseLoginToken(ctx, "tlt_race", "user:owner_a", time.Now())
			wins <- err == nil
		}()
	}
	n := 0
	for range 8 {
		if <-wins {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d uses of a single-use token", n)
	}

	// The audit: two mints and one use of the investor's tokens, without
	// the secret.
	rec := w.ok("owner_a", "GET", fmt.Sprintf("/api/users/%d/all/", w.investor), "", 200)
	g := decodeAs[Graph](t, rec)
	var actions []string
	for _, a := range g.ImpersonationAudit {
		actions = append(actions, a.Action+"/"+a.Actor+"/"+a.Group)
	}
	gs := fmt.Sprint(grp)
	want := []string{"impersonation_token_minted/user:owner_a/" + gs, "impersonation_token_minted/user:admin_a/" + gs, "impersonation_token_used/user:admin_a/" + gs}
	if !slices.Equal(actions, want) {
		t.Errorf("audit = %v, want %v", actions, want)
	}
	if strings.Contains(rec.Body.String(), tok.Token) {
		t.Error("the graph shows the token")
	}
}

// The data graph shows the user's groups (with its role) and its form
// implementations with their answers, which pkg/groups and pkg/forms own.
func TestGraphGroupsAndForms(t *testing.T) {
	w := newWorld001(t, Exporter{Inline: DefaultInline}, ResendGap)
	ctx := context.Background()
	now := model.NewTime(time.Now())
	g := &store.UserGroup{Name: "Family office", CreatedAt: now, UpdatedAt: now}
	if err := w.db.CreateUserGroup(ctx, w.wsA.ID, g, []store.UserGroupMember{{User: w.investor, Role: "viewer", JoinedAt: now}}); err != nil {
		t.Fatal(err)
	}
	f := &store.Form{Kind: store.FormUserData, Name: "Income", Enabled: true, CreatedAt: now, UpdatedAt: now,
		Fields: []store.FormField{{Name: "income", Label: "Income", Type: "number"}}}
	if err := w.db.CreateForm(ctx, w.wsA.ID, f); err != nil {
		t.Fatal(err)
	}
	if err := w.db.CreateImplementation(ctx, w.wsA.ID, f, &store.Implementation{Kind: f.Kind, Form: f.ID, User: w.investor,
		Status: "submitted", Answers: `{"income":"120000"}`, AssignedBy: "owner_a", CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	rec := w.ok("owner_a", "GET", fmt.Sprintf("/api/users/%d/all/", w.investor), "", 200)
	v := decodeAs[GraphView](t, rec)
	if len(v.Groups) != 1 || v.Groups[0].Group.Name != "Family office" || v.Groups[0].Role != "viewer" {
		t.Errorf("groups: %+v", v.Groups)
	}
	if len(v.FormImplementations) != 1 || v.FormImplementations[0].Form != f.ID || !strings.Contains(rec.Body.String(), `"income":"120000"`) {
		t.Errorf("form implementations: %s", rec.Body)
	}
	// Another user's graph has neither, as empty lists.
	rec = w.ok("owner_a", "GET", fmt.Sprintf("/api/users/%d/all/", w.plain), "", 200)
	if !strings.Contains(rec.Body.String(), `"groups":[]`) || !strings.Contains(rec.Body.String(), `"form_implementations":[]`) {
		t.Errorf("plain user's graph: %s", rec.Body)
	}
}

// group makes a user group of workspace A with the user as its one member.
func (w *world001) group(user int64) int64 {
	w.t.Helper()
	now := model.NewTime(time.Now())
	g := &store.UserGroup{Name: fmt.Sprintf("Group of %d", user), CreatedAt: now, UpdatedAt: now}
	if err := w.db.CreateUserGroup(context.Background(), w.wsA.ID, g, []store.UserGroupMember{{User: user, Role: "member", JoinedAt: now}}); err != nil {
		w.t.Fatal(err)
	}
	return g.ID
}
