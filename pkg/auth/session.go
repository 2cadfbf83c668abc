package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/clerk/clerk-sdk-go/v2"
	"github.com/clerk/clerk-sdk-go/v2/jwt"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/identity"
	"github.com/tranche-dev/tranche/pkg/store"
)

// Leeway is the clock skew tolerated on exp and nbf.
const Leeway = 5 * time.Second

// ErrNoJWKS is returned when sessions are configured without a JWKS URL.
var ErrNoJWKS = errors.New("auth: " + app.EnvClerkJWKSURL + " is not set")

// SessionConfig says how Clerk session tokens are verified.
type SessionConfig struct {
	JWKSURL           string   // where the signing keys are published
	Issuer            string   // expected iss; empty: Clerk's own issuer rule
	AuthorizedParties []string // allowed azp values; empty: any
	HTTPClient        *http.Client
	Clock             clerk.Clock // nil: real time
}

// Sessions verifies Clerk session JWTs (`Authorization: Bearer`) with
// clerk-sdk-go against the configured JWKS and turns them into a session
// Principal: the user, the active workspace, its role and permissions.
// Who the verified subject is, is the identity service's to decide.
type Sessions struct {
	ids  *identity.Service
	cfg  SessionConfig
	keys *keySet
}

// NewSessions returns a verifier. Returns ErrNoJWKS without a JWKS URL.
func NewSessions(db *store.DB, cfg SessionConfig) (*Sessions, error) {
	if cfg.JWKSURL == "" {
		return nil, ErrNoJWKS
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 5 * time.Second}
	}
	if cfg.Clock == nil {
		cfg.Clock = clerk.NewClock()
	}
	return &Sessions{ids: identity.NewService(db, cfg.Clock), cfg: cfg, keys: &keySet{url: cfg.JWKSURL, client: cfg.HTTPClient, clock: cfg.Clock}}, nil
}

// SessionsFromDeps builds the verifier from the function's configuration.
func SessionsFromDeps(deps app.Deps) (*Sessions, error) {
	return NewSessions(deps.DB, SessionConfig{
		JWKSURL:           deps.Config.ClerkJWKSURL,
		Issuer:            deps.Config.ClerkIssuer,
		AuthorizedParties: deps.Config.ClerkAuthorizedParties,
	})
}

// NewAuthenticator is the Authenticator of a function whose routes include
// jwt ones: it fails (at start-up) when sessions are not configured.
func NewAuthenticator(deps app.Deps) (*Authenticator, error) {
	s, err := SessionsFromDeps(deps)
	if err != nil {
		return nil, err
	}
	return &Authenticator{DB: deps.DB, Sessions: s}, nil
}

func invalidToken(err error) error {
	return &apierr.Error{Kind: apierr.Unauthenticated, Detail: "Invalid or expired session token.", Authenticate: "Bearer", Err: err}
}

// Claims are the verified claims of a session token that handlers use.
type Claims struct {
	UserID    string // sub
	SessionID string // sid
	OrgID     string // o.id (v2) or org_id (v1)
	OrgRole   string
}

// Verify checks a token's signature (RS256 against the JWKS), exp and nbf
// (with Leeway), issuer and authorized party, and that it names a user.
func (s *Sessions) Verify(ctx context.Context, token string) (*Claims, error) {
	unverified, err := jwt.Decode(ctx, &jwt.DecodeParams{Token: token})
	if err != nil {
		return nil, invalidToken(err)
	}
	key, err := s.keys.get(ctx, unverified.KeyID)
	if err != nil {
		return nil, invalidToken(err)
	}
	params := &jwt.VerifyParams{Token: token, JWK: key, Leeway: Leeway, Clock: s.cfg.Clock}
	if s.cfg.Issuer != "" {
		// The SDK compares iss exactly with ProxyURL when one is given.
		iss := s.cfg.Issuer
		params.ProxyURL = &iss
	}
	if len(s.cfg.AuthorizedParties) > 0 {
		params.AuthorizedPartyHandler = func(azp string) bool { return slices.Contains(s.cfg.AuthorizedParties, azp) }
	}
	c, err := jwt.Verify(ctx, params)
	if err != nil {
		return nil, invalidToken(err)
	}
	if c.Subject == "" || c.Expiry == nil {
		return nil, invalidToken(errors.New("auth: token without sub or exp"))
	}
	return &Claims{UserID: c.Subject, SessionID: c.SessionID, OrgID: c.ActiveOrganizationID, OrgRole: c.ActiveOrganizationRole}, nil
}

// VerifySession implements SessionVerifier. Beyond Verify, the identity
// service decides who the verified subject is (identity.Service.Resolve):
// the identity (inactive users are refused), the sign-in bookkeeping of a
// new session id, and the active workspace, whose role gives the
// principal its auth group's permissions.
func (s *Sessions) VerifySession(ctx context.Context, token string) (*Principal, error) {
	c, err := s.Verify(ctx, token)
	if err != nil {
		return nil, err
	}
	res, err := s.ids.Resolve(ctx, identity.Session{UserID: c.UserID, SessionID: c.SessionID, OrgID: c.OrgID})
	if errors.Is(err, identity.ErrInactive) {
		return nil, apierr.BadCredentials("Bearer", "User inactive or deleted.")
	}
	if err != nil {
		return nil, err
	}
	p := &Principal{UserID: c.UserID}
	if m := res.Membership; m != nil {
		g, _ := GroupOfRole(m.Role)
		p.Workspace, p.Role, p.Permissions = m.Workspace, m.Role, g.Permissions
	}
	return p, nil
}

// TokenClaims returns the claims of the request's Bearer token without
// verifying it again. Call it only behind the Authenticator, which has.
func TokenClaims(r *http.Request) Claims {
	scheme, tok, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return Claims{}
	}
	t, err := jwt.Decode(r.Context(), &jwt.DecodeParams{Token: strings.TrimSpace(tok)})
	if err != nil {
		return Claims{}
	}
	c := Claims{UserID: t.Subject}
	c.SessionID, _ = t.Extra["sid"].(string)
	if o, ok := t.Extra["o"].(map[string]any); ok {
		c.OrgID, _ = o["id"].(string)
		c.OrgRole, _ = o["rol"].(string)
	} else {
		c.OrgID, _ = t.Extra["org_id"].(string)
	}
	return c
}

// keySet caches a JWKS. An unknown kid refetches it, at most every
// refetchEvery, so key rotation works and garbage kids cannot hammer the
// JWKS endpoint.
type keySet struct {
	url    string
	client *http.Client
	clock  clerk.Clock

	mu      sync.Mutex
	keys    map[string]*clerk.JSONWebKey
	fetched time.Time
}

const (
	refetchEvery = 30 * time.Second
	keysMaxAge   = time.Hour
)

func (k *keySet) get(ctx context.Context, kid string) (*clerk.JSONWebKey, error) {
	if kid == "" {
		return nil, errors.New("auth: token without kid")
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.clock.Now()
	key, ok := k.keys[kid]
	stale := now.Sub(k.fetched) > keysMaxAge
	if (ok && !stale) || (!ok && !stale && now.Sub(k.fetched) < refetchEvery) {
		if !ok {
			return nil, fmt.Errorf("auth: unknown kid %q", kid)
		}
		return key, nil
	}
	keys, err := k.fetch(ctx)
	if err != nil {
		if ok { // keep serving the cached key through a JWKS outage
			return key, nil
		}
		return nil, err
	}
	k.keys, k.fetched = keys, now
	if key, ok = keys[kid]; !ok {
		return nil, fmt.Errorf("auth: unknown kid %q", kid)
	}
	return key, nil
}

func (k *keySet) fetch(ctx context.Context) (map[string]*clerk.JSONWebKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.url, nil)
	if err != nil {
		return nil, fmt.Errorf("auth: jwks request: %w", err)
	}
	resp, err := k.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("auth: fetch jwks: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("auth: fetch jwks: status %d", resp.StatusCode)
	}
	var set clerk.JSONWebKeySet
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&set); err != nil {
		return nil, fmt.Errorf("auth: decode jwks: %w", err)
	}
	out := map[string]*clerk.JSONWebKey{}
	for _, key := range set.Keys {
		if key != nil && key.KeyID != "" {
			if key.Algorithm == "" {
				key.Algorithm = "RS256"
			}
			out[key.KeyID] = key
		}
	}
	return out, nil
}
