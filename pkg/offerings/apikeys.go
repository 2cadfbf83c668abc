package offerings

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/tranche-dev/tranche/pkg/apierr"
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
	Scopes     []string    `json:"scopes"` // named grants: accounts.read, accounts.write (issue 13)
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
		Write: k.Write, Scopes: append([]string{}, k.Scopes...), CreatedAt: k.CreatedAt, LastUsedAt: k.LastUsedAt, RevokedAt: k.RevokedAt}
}

// keyOffering reads the offering of an api-keys route that the caller may
// manage: a writer that sees the offering.
func keyOffering(r *http.Request, svc *Service) (*auth.Principal, *model.Offering, error) {
	p, id, err := auth.WriterOn(r)
	if err != nil {
		return nil, nil, err
	}
	o, err := svc.KeyOffering(r.Context(), p, id)
	return p, o, err
}

// handleMintKey mints a key scoped to the offering: {name, write, scopes} →
// 201 with the secret in "key", shown this once.
func handleMintKey(svc *Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, o, err := keyOffering(r, svc)
		if err != nil {
			return err
		}
		var raw map[string]json.RawMessage
		if err := httpapi.Decode(w, r, &raw); err != nil {
			return err
		}
		n, wr, scopes, err := readMintKey(raw)
		if err != nil {
			return err
		}
		k, err := svc.MintKey(r.Context(), p, o, n, wr, scopes)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusCreated, mintedView{keyView: viewKey(&k.Key), Key: k.Secret})
	}
}

// readMintKey validates a mint body: name (blank by default), write
// (false by default), scopes (known ones).
func readMintKey(raw map[string]json.RawMessage) (string, bool, []string, error) {
	f := model.NewForm(raw, false)
	name, _ := f.String("name", model.Str{AllowBlank: true, MaxLen: 100})
	write, _ := f.Bool("write", false, false)
	scopes, _ := f.Strings("scopes", func(s string) bool { return auth.CheckScopes([]string{s}) == nil })
	if err := apierr.Fields(f.Errors); err != nil {
		return "", false, nil, err
	}
	n, wr := "", false
	if name != nil {
		n = *name
	}
	if write != nil {
		wr = *write
	}
	return n, wr, scopes, nil
}

// handleListKeys lists the offering's keys, masked, oldest first, with
// their last use and revocation.
func handleListKeys(svc *Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, o, err := keyOffering(r, svc)
		if err != nil {
			return err
		}
		keys, err := svc.Keys(r.Context(), p, o)
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
func handleRevokeKey(svc *Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, o, err := keyOffering(r, svc)
		if err != nil {
			return err
		}
		keyID := strings.TrimSpace(r.URL.Query().Get("key_id"))
		if keyID == "" {
			var raw map[string]json.RawMessage
			if err := httpapi.Decode(w, r, &raw); err != nil {
				return err
			}
			if keyID, err = readRevokeKey(raw); err != nil {
				return err
			}
		}
		if err := svc.RevokeKey(r.Context(), p, o, keyID); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// readRevokeKey validates a revoke body (when the query names no key):
// {key_id}.
func readRevokeKey(raw map[string]json.RawMessage) (string, error) {
	f := model.NewForm(raw, false)
	v, _ := f.String("key_id", model.Str{Required: true, MaxLen: 64})
	if err := apierr.Fields(f.Errors); err != nil {
		return "", err
	}
	return *v, nil
}
