// Package sessiontest serves a local JWKS from an httptest server and mints
// Clerk-shaped session tokens for handler tests. Verification stays on:
// tokens go through the same clerk-sdk-go checks as in production.
package sessiontest

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/store"
)

// Issuer is the iss of test tokens.
const Issuer = "https://clerk.tranche.test"

// Env is a JWKS server and its signing key.
type Env struct {
	*auth.LocalIssuer
	JWKSURL string
}

// New starts a JWKS server for the test.
func New(tb testing.TB) *Env {
	tb.Helper()
	li, err := auth.NewLocalIssuer(Issuer)
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(li.JWKSHandler())
	tb.Cleanup(srv.Close)
	return &Env{LocalIssuer: li, JWKSURL: srv.URL}
}

// Deps are handler dependencies over db with sessions configured.
func (e *Env) Deps(db *store.DB) app.Deps {
	return app.Deps{
		Config: app.Config{ClerkJWKSURL: e.JWKSURL, ClerkIssuer: Issuer, MailFrom: "no-reply@tranche.test"},
		Log:    slog.New(slog.NewJSONHandler(io.Discard, nil)),
		DB:     db,
	}
}

// Token mints a valid token for user (and org, if not empty).
func (e *Env) Token(tb testing.TB, user, org string) string {
	tb.Helper()
	t, err := e.Mint(user, time.Hour, auth.TokenOptions{OrgID: org, SessionID: "sess_" + user})
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// Member is the principal of a signed-in Clerk user with role in ws, as
// the Authenticator makes it: for services tested without HTTP.
func Member(ws, user, role string) *auth.Principal {
	g, _ := auth.GroupOfRole(role)
	return &auth.Principal{UserID: user, Workspace: ws, Role: role, Permissions: g.Permissions}
}
