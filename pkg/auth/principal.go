// Package auth establishes who is calling: an issuer API key (seed 000's
// `Authorization: <key>`, also `Api-Key <key>`) or a Clerk session JWT
// (`Authorization: Bearer <jwt>`), and carries the result, a Principal, in
// the request context.
package auth

import (
	"context"

	"github.com/tranche-dev/tranche/pkg/apierr"
)

// Scope is what an issuer API key may see.
type Scope string

// The key scopes.
const (
	ScopeWorkspace Scope = "workspace" // every issuer and offering of the workspace
	ScopeIssuer    Scope = "issuer"    // one issuer's offerings
	ScopeOffering  Scope = "offering"  // one offering
)

// Principal is an authenticated caller.
type Principal struct {
	Workspace string // the tenant every read and write is confined to

	// API keys.
	KeyID   string
	Scope   Scope
	ScopeID int64 // issuer or offering id; 0 for ScopeWorkspace
	Write   bool  // the key may write (read keys may only read)
	// Scopes are the key's named grants (ScopeAccountsRead…); nil for keys
	// minted without any, which keep what Scope and Write give them on the
	// routes that existed before scopes, and nothing on profiles.
	Scopes []string

	// Session users (Clerk).
	UserID      string   // Clerk user id
	Role        string   // OWNER, ADMIN or MEMBER in Workspace
	Permissions []string // auth-group permission codenames, e.g. view_user
}

// Named key scopes (seed 002: "you will need to specify the
// /accounts.write scope"). They are grants orthogonal to the data scope:
// an offering key minted with accounts.read may read the workspace's
// profiles, because whoever minted it (a workspace writer) granted that.
const (
	ScopeAccountsRead  = "accounts.read"
	ScopeAccountsWrite = "accounts.write"
)

// KnownScopes are the scopes a key may be minted with.
var KnownScopes = []string{ScopeAccountsRead, ScopeAccountsWrite}

// HasScope reports whether the key carries the named scope. accounts.write
// includes accounts.read: a caller allowed to change profiles may read what
// it wrote.
func (p *Principal) HasScope(s string) bool {
	for _, have := range p.Scopes {
		if have == s || (s == ScopeAccountsRead && have == ScopeAccountsWrite) {
			return true
		}
	}
	return false
}

// IsKey reports whether the caller used an API key.
func (p *Principal) IsKey() bool { return p.KeyID != "" }

// SeesOffering reports whether the principal's scope holds the offering of
// the given issuer.
func (p *Principal) SeesOffering(offering, issuer int64) bool {
	switch p.Scope {
	case ScopeOffering:
		return p.ScopeID == offering
	case ScopeIssuer:
		return p.ScopeID == issuer
	}
	return true
}

// HasPermission reports whether a session principal holds a codename.
func (p *Principal) HasPermission(codename string) bool {
	for _, c := range p.Permissions {
		if c == codename {
			return true
		}
	}
	return false
}

// Require is the permission check of the workspace routes: DRF's 403
// unless p acts in a workspace and holds codename (an API key holds no
// codenames, so it is refused too).
func (p *Principal) Require(codename string) error {
	if p == nil || p.Workspace == "" || !p.HasPermission(codename) {
		return apierr.Forbid()
	}
	return nil
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the request's principal, if authenticated.
func PrincipalFrom(ctx context.Context) (*Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(*Principal)
	return p, ok && p != nil
}
