package offerings

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// keyView is an API key as listed: masked, never the secret.
type keyView struct {
	KeyID      string      `json:"key_id"`
	Name       string      `json:"name"`
	Masked     string      `json:"masked"`
	Scope      string      `json:"scope"`
	Offering   int64       `json:"offering"`
	Write      bool        `json:"write"`
	CreatedAt  model.Time  `json:"created_at"`
	LastUsedAt *model.Time `json:"last_used_at"`
	RevokedAt  *model.Time `json:"revoked_at"`
}

// mintedView is a new key: the one time its secret is shown.
type mintedView struct {
	keyView
	Key string `json:"key"`
}

func viewKey(k *store.APIKey) keyView {
	return keyView{KeyID: k.ID, Name: k.Name, Masked: auth.Masked(k), Scope: k.Scope, Offering: k.ScopeID,
		Write: k.Write, CreatedAt: k.CreatedAt, LastUsedAt: k.LastUsedAt, RevokedAt: k.RevokedAt}
}

// keyOffering reads the offering of an api-keys route that the caller may
// manage: a writer that sees the offering.
func keyOffering(r *http.Request, deps app.Deps) (*auth.Principal, *model.Offering, error) {
	p, err := auth.Writer(r)
	if err != nil {
		return nil, nil, err
	}
	id, err := httpapi.PathID(r, "id")
	if err != nil {
		return nil, nil, err
	}
	o, _, err := loadForWrite(r, deps, p, id)
	return p, o, err
}

// handleMintKey mints a key scoped to the offering: {name, write} →
// 201 with the secret in "key", shown this once.
func handleMintKey(deps app.Deps) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, o, err := keyOffering(r, deps)
		if err != nil {
			return err
		}
		var raw map[string]json.RawMessage
		if err := httpapi.Decode(w, r, &raw); err != nil {
			return err
		}
		f := model.NewForm(raw, false)
		name, _ := f.String("name", model.Str{AllowBlank: true, MaxLen: 100})
		write, _ := f.Bool("write", false, false)
		if err := apierr.Fields(f.Errors); err != nil {
			return err
		}
		n, wr := "", false
		if name != nil {
			n = *name
		}
		if write != nil {
			wr = *write
		}
		k, err := auth.Mint(r.Context(), deps.DB, p.Workspace, auth.ScopeOffering, o.ID, wr, n, now())
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusCreated, mintedView{keyView: viewKey(&k.Key), Key: k.Secret})
	}
}

// offeringKeys lists the keys scoped to the offering.
func offeringKeys(r *http.Request, deps app.Deps, ws string, offering int64) ([]store.APIKey, error) {
	all, err := deps.DB.APIKeys(r.Context(), ws)
	if err != nil {
		return nil, err
	}
	var out []store.APIKey
	for _, k := range all {
		if k.Scope == string(auth.ScopeOffering) && k.ScopeID == offering {
			out = append(out, k)
		}
	}
	return out, nil
}

// handleListKeys lists the offering's keys, masked, oldest first, with
// their last use and revocation.
func handleListKeys(deps app.Deps) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, o, err := keyOffering(r, deps)
		if err != nil {
			return err
		}
		keys, err := offeringKeys(r, deps, p.Workspace, o.ID)
		if err != nil {
			return err
		}
		out := make([]keyView, 0, len(keys))
		for i := range keys {
			out = append(out, viewKey(&keys[i]))
		}
		return httpapi.JSON(w, http.StatusOK, KeyList{Count: len(out), Results: out})
	}
}

// handleRevokeKey revokes one of the offering's keys, named by key_id in
// the body or the query. 204; an unknown key is a 404.
func handleRevokeKey(deps app.Deps) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, o, err := keyOffering(r, deps)
		if err != nil {
			return err
		}
		keyID := strings.TrimSpace(r.URL.Query().Get("key_id"))
		if keyID == "" {
			var raw map[string]json.RawMessage
			if err := httpapi.Decode(w, r, &raw); err != nil {
				return err
			}
			f := model.NewForm(raw, false)
			v, _ := f.String("key_id", model.Str{Required: true, MaxLen: 64})
			if err := apierr.Fields(f.Errors); err != nil {
				return err
			}
			keyID = *v
		}
		keys, err := offeringKeys(r, deps, p.Workspace, o.ID)
		if err != nil {
			return err
		}
		for _, k := range keys {
			if k.ID == keyID {
				if _, err := deps.DB.RevokeAPIKey(r.Context(), p.Workspace, keyID, now()); errors.Is(err, dynamo.ErrNotFound) {
					return apierr.NotFoundError()
				} else if err != nil {
					return err
				}
				w.WriteHeader(http.StatusNoContent)
				return nil
			}
		}
		return apierr.NotFoundError()
	}
}
