package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/routes"
	"github.com/tranche-dev/tranche/pkg/store"
)

// An issuer API key reads "tk_<workspace>_<secret>": the workspace lets the
// lookup be a single GetItem inside the tenant's own partition; the secret
// is 32 random bytes. Only the key's SHA-256 is stored.
const keyPrefix = "tk_"

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// MintedKey is a new key: Secret is shown once and never stored.
type MintedKey struct {
	Secret string
	Key    store.APIKey
}

// KeyWriter stores a minted key: store.APIKeyStore (and so *store.DB).
type KeyWriter interface {
	PutAPIKey(ctx context.Context, k *store.APIKey, hash string) error
}

// Mint creates and stores a key for the scope, without named scopes.
func Mint(ctx context.Context, db KeyWriter, ws string, scope Scope, scopeID int64, write bool, name string, now time.Time) (*MintedKey, error) {
	return MintScoped(ctx, db, ws, scope, scopeID, write, name, nil, now)
}

// ErrUnknownScope is returned when a key is minted with a scope name that
// is not one of KnownScopes.
var ErrUnknownScope = errors.New("auth: unknown scope")

// CheckScopes returns ErrUnknownScope (wrapped, naming it) for a scope
// that is not one of KnownScopes.
func CheckScopes(scopes []string) error {
	for _, s := range scopes {
		if !slices.Contains(KnownScopes, s) {
			return fmt.Errorf("%w %q (known: %s)", ErrUnknownScope, s, strings.Join(KnownScopes, ", "))
		}
	}
	return nil
}

// MintScoped is Mint with named scopes (KnownScopes), stored sorted and
// without duplicates.
func MintScoped(ctx context.Context, db KeyWriter, ws string, scope Scope, scopeID int64, write bool, name string, scopes []string, now time.Time) (*MintedKey, error) {
	if err := CheckScopes(scopes); err != nil {
		return nil, err
	}
	scopes = slices.Compact(slices.Sorted(slices.Values(scopes)))
	switch scope {
	case ScopeWorkspace:
		scopeID = 0
	case ScopeIssuer, ScopeOffering:
		if scopeID <= 0 {
			return nil, fmt.Errorf("auth: a %s key needs the %s id", scope, scope)
		}
	default:
		return nil, fmt.Errorf("auth: unknown scope %q", scope)
	}
	if !validWorkspace(ws) {
		// Lookup would refuse the key: do not mint one nobody can use.
		return nil, fmt.Errorf("auth: workspace %q cannot be named in a key", ws)
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, err
	}
	secret := keyPrefix + ws + "_" + strings.ToLower(b32.EncodeToString(raw[:]))
	var id [5]byte
	_, _ = rand.Read(id[:])
	k := store.APIKey{
		ID: strings.ToLower(b32.EncodeToString(id[:])), Workspace: ws, Name: name,
		Scope: string(scope), ScopeID: scopeID, Write: write, Scopes: scopes,
		Prefix: secret[:len(keyPrefix)+len(ws)+5], Last4: secret[len(secret)-4:],
		CreatedAt: model.NewTime(now),
	}
	if err := db.PutAPIKey(ctx, &k, Hash(secret)); err != nil {
		return nil, err
	}
	return &MintedKey{Secret: secret, Key: k}, nil
}

// Hash is the stored form of a key.
func Hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Masked renders a stored key for listings.
func Masked(k *store.APIKey) string { return k.Prefix + "…" + k.Last4 }

// The shape of a key, checked before any DynamoDB call: the workspace part
// becomes a partition key (at most 2,048 bytes; a longer one is a
// ValidationException, which was a 500), so what a client sends must be
// refused as an invalid key first. Workspace ids are decimal integers
// (store.WorkspaceID); the charset allows what Mint could ever have been
// given by an operator, with room to spare. The secret is Mint's: 32
// random bytes in unpadded lower-case base32.
const (
	maxWorkspaceLen = 64
	secretLen       = 52 // base32 of 32 bytes, no padding
)

// validWorkspace reports whether ws can be the workspace part of a key.
func validWorkspace(ws string) bool {
	if ws == "" || len(ws) > maxWorkspaceLen {
		return false
	}
	for i := 0; i < len(ws); i++ {
		c := ws[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// validSecret reports whether s is shaped like the random part Mint makes.
func validSecret(s string) bool {
	if len(s) != secretLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || '2' <= c && c <= '7') {
			return false
		}
	}
	return true
}

// workspaceOf extracts the workspace a key names, or "" when the key is
// not shaped like one Mint makes.
func workspaceOf(secret string) string {
	if !strings.HasPrefix(secret, keyPrefix) {
		return ""
	}
	rest := secret[len(keyPrefix):]
	i := strings.LastIndexByte(rest, '_')
	if i <= 0 || !validWorkspace(rest[:i]) || !validSecret(rest[i+1:]) {
		return ""
	}
	return rest[:i]
}

// ErrInvalidKey is returned for an unknown, malformed or revoked key.
var ErrInvalidKey = errors.New("auth: invalid API key")

// Lookup resolves a presented key to its principal.
func Lookup(ctx context.Context, db *store.DB, secret string) (*Principal, *store.APIKey, error) {
	ws := workspaceOf(secret)
	if ws == "" {
		return nil, nil, ErrInvalidKey
	}
	k, err := db.APIKeyByHash(ctx, ws, Hash(secret))
	if errors.Is(err, dynamo.ErrNotFound) {
		return nil, nil, ErrInvalidKey
	}
	if err != nil {
		return nil, nil, err
	}
	if k.RevokedAt != nil {
		return nil, nil, ErrInvalidKey
	}
	return &Principal{Workspace: k.Workspace, KeyID: k.ID, Scope: Scope(k.Scope), ScopeID: k.ScopeID, Write: k.Write, Scopes: k.Scopes}, k, nil
}

// SessionVerifier verifies a Clerk session token (implemented in session.go).
type SessionVerifier interface {
	VerifySession(ctx context.Context, token string) (*Principal, error)
}

// Authenticator accepts what a route's Auth allows.
type Authenticator struct {
	DB       *store.DB
	Sessions SessionVerifier // nil: Bearer tokens are refused
	Now      func() time.Time
}

// For wraps a route's handler with the authentication its Auth names.
func (a *Authenticator) For(r routes.Route, h http.Handler) http.Handler {
	switch r.Auth {
	case routes.AuthKey, routes.AuthKeyOrJWT, routes.AuthJWT:
		mode := r.Auth
		return httpapi.HandlerFunc(func(w http.ResponseWriter, req *http.Request) error {
			p, err := a.authenticate(req, mode)
			if err != nil {
				return err
			}
			httpapi.SetCaller(req.Context(), p.Workspace, p.Actor())
			h.ServeHTTP(w, req.WithContext(WithPrincipal(req.Context(), p)))
			return nil
		})
	}
	return h // svix and public routes check their own credentials
}

func (a *Authenticator) authenticate(r *http.Request, mode routes.Auth) (*Principal, error) {
	challenge := "Api-Key"
	if mode == routes.AuthJWT {
		challenge = "Bearer"
	}
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	if h == "" {
		return nil, apierr.NoCredentials(challenge)
	}
	scheme, rest, hasSpace := strings.Cut(h, " ")
	switch {
	case mode == routes.AuthJWT && !(hasSpace && strings.EqualFold(scheme, "Bearer")):
		return nil, apierr.BadCredentials("Bearer", "Authentication credentials were not provided.")
	case mode == routes.AuthKey && hasSpace && strings.EqualFold(scheme, "Bearer"):
		return nil, apierr.BadCredentials("Api-Key", "Invalid API key.")
	case hasSpace && strings.EqualFold(scheme, "Bearer"):
		if a.Sessions == nil {
			return nil, apierr.BadCredentials("Bearer", "Invalid token.")
		}
		return a.Sessions.VerifySession(r.Context(), strings.TrimSpace(rest))
	case hasSpace && strings.EqualFold(scheme, "Api-Key"):
		h = strings.TrimSpace(rest)
	case hasSpace:
		return nil, apierr.BadCredentials("Api-Key", "Invalid API key.")
	}
	p, k, err := Lookup(r.Context(), a.DB, h)
	if errors.Is(err, ErrInvalidKey) {
		return nil, apierr.BadCredentials("Api-Key", "Invalid API key.")
	}
	if err != nil {
		return nil, err
	}
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	// Record the use at most once a minute: a read should not cost a
	// write on every request.
	if t := now(); k.LastUsedAt == nil || t.Sub(k.LastUsedAt.Time) > time.Minute {
		if err := a.DB.TouchAPIKey(r.Context(), k, t); err != nil {
			return nil, err
		}
	}
	return p, nil
}
