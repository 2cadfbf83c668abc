package profiles

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/documents"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/identity"
	"github.com/tranche-dev/tranche/pkg/ratelimit"
	"github.com/tranche-dev/tranche/pkg/seal"
)

// Function is the Lambda function that serves this group.
const Function = "profiles"

// NewService builds the service from the function's dependencies: the
// KMS key of TAX_KMS_KEY_ID when set; otherwise, off AWS (an emulator
// endpoint, or tests without a table name), the local key file. On AWS
// without a KMS key it fails, so the function fails at start-up rather
// than storing tax ids under a key nobody keeps.
func NewService(deps app.Deps) (*Service, error) {
	var keeper seal.Keeper
	c := deps.Config
	switch {
	case c.TaxKMSKeyID != "":
		keeper = seal.KMS{Client: kms.NewFromConfig(deps.AWS), KeyID: c.TaxKMSKeyID}
	case c.TaxKeyFile != "":
		keeper = seal.LocalFile{Path: c.TaxKeyFile}
	case c.EndpointURL != "" || c.TableName == "":
		keeper = seal.LocalFile{Path: fmt.Sprintf("%s/tranche-tax-kek-%d", os.TempDir(), os.Getuid())}
	default:
		return nil, errors.New("profiles: " + app.EnvTaxKMSKeyID + " is not set")
	}
	return newService(deps.DB, &seal.Sealer{Keeper: keeper}, c.DocumentLinkKey, documents.NotifierFor(deps)), nil
}

// NewHandler returns the group's handler: authentication (API keys and
// Clerk sessions), the per-caller rate limit, then the routes.
func NewHandler(deps app.Deps) (http.Handler, error) {
	svc, err := NewService(deps)
	if err != nil {
		return nil, err
	}
	rate := deps.Config.ProfilesRate
	if rate.Burst == 0 {
		rate = app.DefaultProfilesRateLimit
	}
	rt := httpapi.NewRouter(Function)
	rt.Use(auth.FromDeps(deps).For)
	rt.Use((&ratelimit.Limiter{DB: deps.DB, Name: Function, Limit: rate}).For)
	addRoutes(rt, svc)
	return rt.Handler(), nil
}

// addRoutes binds every route of the profiles function, under /api and
// the document's /api/v1/api prefix alike.
func addRoutes(rt *httpapi.Router, svc *Service) {
	for _, pre := range []string{"/api", "/api/v1/api"} {
		rt.HandleFunc("GET "+pre+"/profiles", handleList(svc))
		rt.HandleFunc("POST "+pre+"/profiles", handleCreate(svc))
		rt.HandleFunc("PUT "+pre+"/profiles/{id}", handleUpdate(svc))
		rt.HandleFunc("GET "+pre+"/profile/{id}", handleGet(svc))
		rt.HandleFunc("GET "+pre+"/profiles/{id}", handleGet(svc))
		rt.HandleFunc("GET "+pre+"/profiles/{id}/document-share-link", handleShareLink(svc))
		rt.HandleFunc("POST "+pre+"/profiles/{id}/bank-account", handleBankAccount(svc))
		rt.HandleFunc("GET "+pre+"/countries", handleCountries())
		rt.HandleFunc("GET "+pre+"/states", handleStates())
		rt.HandleFunc("GET "+pre+"/investor-qualifications", handleQualifications())
	}
}

// callerOf resolves the request's caller for a route needing scope: an
// API key must carry it (403 otherwise; keys minted without scopes have
// none); a session user acts for itself, whatever its workspace role,
// through the workspace user with its e-mail.
func callerOf(ctx context.Context, r *http.Request, ids *identity.Service, scope string) (Caller, error) {
	p, err := auth.Must(r)
	if err != nil {
		return Caller{}, err
	}
	c := Caller{Workspace: p.Workspace, Actor: p.Actor(), BaseURL: baseURL(r)}
	if p.IsKey() {
		if !p.HasScope(scope) {
			return Caller{}, apierr.Forbid()
		}
		return c, nil
	}
	c.Session = true
	id, uid, err := ids.CallerUser(ctx, p.Workspace, p.UserID)
	if err != nil {
		return Caller{}, err
	}
	if id == nil {
		return Caller{}, apierr.Forbid()
	}
	c.OwnEmail, c.OwnUser = id.Email, uid
	return c, nil
}

// baseURL is the API's URL as the request reached it: API Gateway's
// domain over https on AWS (X-Forwarded-Proto), the local gateway's
// address under make run. The profiles function cannot be given the API's
// URL in its environment: it is one of the API's integrations, so the
// reference would be a cycle in the stack.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// decode reads a JSON object body as raw fields (400 for malformed JSON,
// as every route; 422 is for bodies that parse but cannot be processed).
func decode(w http.ResponseWriter, r *http.Request) (map[string]json.RawMessage, error) {
	var raw map[string]json.RawMessage
	if err := httpapi.Decode(w, r, &raw); err != nil {
		return nil, err
	}
	return raw, nil
}

// handleCreate is POST /api/profiles: 200 with the profile (the seed says
// 200, not 201), its W-9 not generated yet.
func handleCreate(svc *Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := callerOf(r.Context(), r, svc.identities(), auth.ScopeAccountsWrite)
		if err != nil {
			return err
		}
		raw, err := decode(w, r)
		if err != nil {
			return err
		}
		v, err := svc.Create(r.Context(), c, raw)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, v)
	}
}

// handleUpdate is PUT /api/profiles/{id}.
func handleUpdate(svc *Service) httpapi.HandlerFunc {
	return onProfile(svc, auth.ScopeAccountsWrite, true, func(ctx context.Context, c Caller, id int64, raw map[string]json.RawMessage) (any, error) {
		return svc.Update(ctx, c, id, raw)
	})
}

// handleGet is GET /api/profile/{id} and /api/profiles/{id}.
func handleGet(svc *Service) httpapi.HandlerFunc {
	return onProfile(svc, auth.ScopeAccountsRead, false, func(ctx context.Context, c Caller, id int64, _ map[string]json.RawMessage) (any, error) {
		return svc.Get(ctx, c, id)
	})
}

// handleShareLink is GET /api/profiles/{id}/document-share-link.
func handleShareLink(svc *Service) httpapi.HandlerFunc {
	return onProfile(svc, auth.ScopeAccountsRead, false, func(ctx context.Context, c Caller, id int64, _ map[string]json.RawMessage) (any, error) {
		return svc.ShareLink(ctx, c, id)
	})
}

// handleBankAccount is POST /api/profiles/{id}/bank-account: 200 with the
// active account, masked.
func handleBankAccount(svc *Service) httpapi.HandlerFunc {
	return onProfile(svc, auth.ScopeAccountsWrite, true, func(ctx context.Context, c Caller, id int64, raw map[string]json.RawMessage) (any, error) {
		return svc.LinkBankAccount(ctx, c, id, raw)
	})
}

// onProfile is a route on one profile: the caller holding the scope, the
// path id, the body when the route reads one, then the service's answer
// as 200.
func onProfile(svc *Service, scope string, body bool, do func(context.Context, Caller, int64, map[string]json.RawMessage) (any, error)) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := callerOf(r.Context(), r, svc.identities(), scope)
		if err != nil {
			return err
		}
		id, err := httpapi.PathID(r, "id")
		if err != nil {
			return err
		}
		var raw map[string]json.RawMessage
		if body {
			if raw, err = decode(w, r); err != nil {
				return err
			}
		}
		v, err := do(r.Context(), c, id, raw)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, v)
	}
}
