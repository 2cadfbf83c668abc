package account

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/identity"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// Function is the Lambda function that serves this group.
const Function = "account"

// NewHandler returns the group's handler. It fails when Clerk sessions are
// not configured, so the function fails at start-up.
func NewHandler(deps app.Deps) (http.Handler, error) {
	a, err := auth.NewAuthenticator(deps)
	if err != nil {
		return nil, err
	}
	rt := httpapi.NewRouter(Function)
	rt.Use(a.For)
	addRoutes(rt, deps.DB, deps.Config.Region)
	return rt.Handler(), nil
}

// addRoutes binds every routes.All entry of the account function. The
// caller's identity (user/, user settings, the developer flag of devtest/)
// is the identity service's; the organisation routes update the
// workspace through the store.
func addRoutes(rt *httpapi.Router, db *store.DB, region string) {
	ids := identity.NewService(db, identity.SystemClock)
	rt.HandleFunc("GET /api/v1/account/user/", handleUser(ids, nil))
	rt.HandleFunc("POST /api/v1/account/user/", handleUser(ids, parseUser))
	rt.HandleFunc("GET /api/v1/account/userextension/", handleSettings(ids, nil, extensionOf))
	rt.HandleFunc("POST /api/v1/account/userextension/", handleSettings(ids, parseExtension, extensionOf))
	rt.HandleFunc("GET /api/v1/account/userprofile/", handleSettings(ids, nil, profileOf))
	rt.HandleFunc("POST /api/v1/account/userprofile/", handleSettings(ids, parseProfile, profileOf))
	rt.HandleFunc("GET /api/v1/account/usersubscription/", handleSettings(ids, nil, subscriptionOf))
	rt.HandleFunc("POST /api/v1/account/usersubscription/", handleSettings(ids, parseSubscription, subscriptionOf))
	rt.HandleFunc("GET /api/v1/account/userorganisation/", handleOrganisation(db))
	rt.HandleFunc("POST /api/v1/account/userorganisation/", handleUpdateOrganisation(db))
	rt.HandleFunc("GET /api/v1/account/devtest/", handleDevTest(ids, db))
	rt.HandleFunc("POST /api/v1/account/devtest/", handleDevTest(ids, db))
	rt.HandleFunc("PUT /api/v1/account/devtest/", handleDevTest(ids, db))
	rt.HandleFunc("DELETE /api/v1/account/devtest/", handleDevTest(ids, db))
	rt.HandleFunc("GET /api/v1/server/select/", handleServerSelect(region))
}

// parser validates a POST body into a patch of the caller's identity.
type parser func(map[string]json.RawMessage) (patch, model.FieldErrors)

// decodeObject reads a JSON object body (400 for anything else).
func decodeObject(w http.ResponseWriter, r *http.Request) (map[string]json.RawMessage, error) {
	raw := map[string]json.RawMessage{}
	err := httpapi.Decode(w, r, &raw)
	if errors.Is(err, io.ErrUnexpectedEOF) { // a truncated body is bad input, not a 500
		return nil, apierr.BadRequest("JSON parse error - unexpected end of JSON input")
	}
	return raw, err
}

// update validates the body with parse and applies it to the caller's
// identity (optimistic concurrency, retried). A body with any invalid
// field is a DRF 400 naming every bad field, and nothing is written.
func update(w http.ResponseWriter, r *http.Request, ids *identity.Service, userID string, parse parser) (*store.Identity, error) {
	raw, err := decodeObject(w, r)
	if err != nil {
		return nil, err
	}
	apply, errs := parse(raw)
	if err := apierr.Fields(errs); err != nil {
		return nil, err
	}
	return ids.UpdateCaller(r.Context(), userID, apply)
}

// handleUser is GET (parse nil) and POST /api/v1/account/user/: the
// caller's identity.
func handleUser(ids *identity.Service, parse parser) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		var id *store.Identity
		if parse == nil {
			id, err = ids.Caller(r.Context(), p.UserID)
		} else {
			id, err = update(w, r, ids, p.UserID, parse)
		}
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, newUserView(id, audience(r)))
	}
}

func extensionOf(i *store.Identity) any    { return i.Extension }
func profileOf(i *store.Identity) any      { return i.Profile }
func subscriptionOf(i *store.Identity) any { return i.Subscription }

// handleSettings is GET (parse nil) and POST of userextension/,
// userprofile/ and usersubscription/: one part of the caller's identity,
// rendered by view.
func handleSettings(ids *identity.Service, parse parser, view func(*store.Identity) any) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		var id *store.Identity
		if parse == nil {
			id, err = ids.Caller(r.Context(), p.UserID)
		} else {
			id, err = update(w, r, ids, p.UserID, parse)
		}
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, view(id))
	}
}
