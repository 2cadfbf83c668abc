package auth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/auth/sessiontest"
	"github.com/tranche-dev/tranche/pkg/routes"
	"github.com/tranche-dev/tranche/pkg/store"
	"github.com/tranche-dev/tranche/pkg/store/storetest"
)

func TestSessions(t *testing.T) {
	db := storetest.New(t)
	env := sessiontest.New(t)
	ctx := context.Background()
	w, err := db.CreateWorkspace(ctx, store.WorkspaceFields{Name: "Acme", ClerkOrgID: "org_acme"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.PutMembership(ctx, w.ID, "user_a", store.RoleAdmin, ""); err != nil {
		t.Fatal(err)
	}
	a, err := auth.NewAuthenticator(env.Deps(db))
	if err != nil {
		t.Fatal(err)
	}
	var got *auth.Principal
	h := a.For(routes.Route{Auth: routes.AuthJWT}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = auth.PrincipalFrom(r.Context())
	}))
	other, _ := auth.NewLocalIssuer(sessiontest.Issuer)
	wrongIss, _ := auth.NewLocalIssuer("https://evil.example")
	mint := func(li *auth.LocalIssuer, ttl time.Duration, o auth.TokenOptions) string {
		tok, err := li.Mint("user_a", ttl, o)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	// A token from another key with the test server's kid is refused too.
	cases := []struct {
		name, header string
		want         int
		wantWS       string
	}{
		{"no header", "", 401, ""},
		{"not bearer", "Token abc", 401, ""},
		{"garbage", "Bearer abc.def.ghi", 401, ""},
		{"valid with org", "Bearer " + mint(env.LocalIssuer, time.Hour, auth.TokenOptions{OrgID: "org_acme"}), 200, w.ID},
		{"valid without org: first membership", "Bearer " + mint(env.LocalIssuer, time.Hour, auth.TokenOptions{}), 200, w.ID},
		{"expired", "Bearer " + mint(env.LocalIssuer, -time.Minute, auth.TokenOptions{}), 401, ""},
		{"expired within leeway", "Bearer " + mint(env.LocalIssuer, -2*time.Second, auth.TokenOptions{}), 200, w.ID},
		{"unknown key", "Bearer " + mint(other, time.Hour, auth.TokenOptions{}), 401, ""},
		{"wrong issuer", "Bearer " + mint(wrongIss, time.Hour, auth.TokenOptions{}), 401, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got = nil
			req := httptest.NewRequest("GET", "/x/", nil)
			if c.header != "" {
				req.Header.Set("Authorization", c.header)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != c.want {
				t.Fatalf("status %d, want %d: %s", rec.Code, c.want, rec.Body)
			}
			if c.want == 401 && rec.Header().Get("WWW-Authenticate") != "Bearer" {
				t.Errorf("WWW-Authenticate %q", rec.Header().Get("WWW-Authenticate"))
			}
			if c.want == 200 {
				if got == nil || got.UserID != "user_a" || got.Workspace != c.wantWS || got.Role != store.RoleAdmin || !got.HasPermission("view_user") {
					t.Errorf("principal %+v", got)
				}
			}
		})
	}

	t.Run("authorized parties", func(t *testing.T) {
		deps := env.Deps(db)
		deps.Config.ClerkAuthorizedParties = []string{"https://app.tranche.test"}
		s, err := auth.SessionsFromDeps(deps)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Verify(ctx, mint(env.LocalIssuer, time.Hour, auth.TokenOptions{AuthorizedParty: "https://evil.example"})); err == nil {
			t.Error("foreign azp accepted")
		}
		if _, err := s.Verify(ctx, mint(env.LocalIssuer, time.Hour, auth.TokenOptions{AuthorizedParty: "https://app.tranche.test"})); err != nil {
			t.Error(err)
		}
	})

	t.Run("inactive user", func(t *testing.T) {
		if err := db.DeactivateIdentity(ctx, "user_a"); err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("GET", "/x/", nil)
		req.Header.Set("Authorization", "Bearer "+mint(env.LocalIssuer, time.Hour, auth.TokenOptions{}))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 401 {
			t.Fatalf("status %d", rec.Code)
		}
	})
}

func TestNoJWKSFailsAtStartUp(t *testing.T) {
	if _, err := auth.NewSessions(nil, auth.SessionConfig{}); err == nil {
		t.Fatal("sessions without a JWKS URL")
	}
}

// Issue 11, finding 1: a dashboard opens with parallel requests of a fresh
// session. Each sees the new session id and does the sign-in bookkeeping;
// none may fail for it (it used to be a versioned rewrite of the identity
// that gave up after three conflicts: a 500). The invitation the sign-in
// accepts is accepted once.
func TestParallelRequestsOfFreshSession(t *testing.T) {
	db := storetest.New(t)
	env := sessiontest.New(t)
	ctx := context.Background()
	w, err := db.CreateWorkspace(ctx, store.WorkspaceFields{Name: "Acme", ClerkOrgID: "org_par"})
	if err != nil {
		t.Fatal(err)
	}
	invited, err := db.CreateWorkspace(ctx, store.WorkspaceFields{Name: "Invited"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.PutMembership(ctx, w.ID, "user_par", store.RoleAdmin, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SyncClerkUser(ctx, store.ClerkUser{ClerkID: "user_par", Email: "par@example.com", EmailVerified: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateInvitation(ctx, invited.ID, "par@example.com", 0, store.RoleMember, "user_other"); err != nil {
		t.Fatal(err)
	}
	a, err := auth.NewAuthenticator(env.Deps(db))
	if err != nil {
		t.Fatal(err)
	}
	h := a.For(routes.Route{Auth: routes.AuthJWT}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	for round, sid := range []string{"sess_par_1", "sess_par_2", "sess_par_3"} {
		tok, err := env.Mint("user_par", time.Hour, auth.TokenOptions{OrgID: "org_par", SessionID: sid})
		if err != nil {
			t.Fatal(err)
		}
		const parallel = 24
		codes := make(chan int, parallel)
		var wg sync.WaitGroup
		for range parallel {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req := httptest.NewRequest("GET", "/x/", nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				codes <- rec.Code
			}()
		}
		wg.Wait()
		close(codes)
		for c := range codes {
			if c != 200 {
				t.Errorf("round %d: status %d", round, c)
			}
		}
		id, err := db.Identity(ctx, "user_par")
		if err != nil {
			t.Fatal(err)
		}
		if id.LastSessionID != sid || id.LastLogin == nil {
			t.Errorf("round %d: session not recorded: last_sid %q last_login %v", round, id.LastSessionID, id.LastLogin)
		}
	}
	if _, err := db.Membership(ctx, invited.ID, "user_par"); err != nil {
		t.Fatalf("invitation not accepted: %v", err)
	}
	if got, _ := db.Workspace(ctx, invited.ID); got == nil || got.MemberCount != 1 {
		t.Errorf("invited workspace: %+v", got)
	}
}
