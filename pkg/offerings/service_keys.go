package offerings

import (
	"context"
	"errors"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// KeyOffering reads the offering whose API keys the principal manages: a
// writer's (the caller checks that) that it sees (404 otherwise).
func (s *Service) KeyOffering(ctx context.Context, p *auth.Principal, id int64) (*model.Offering, error) {
	o, _, err := s.writable(ctx, p, id)
	return o, err
}

// MintKey mints a key scoped to offering o; the result carries the secret,
// which is shown this once and stored only as a hash.
func (s *Service) MintKey(ctx context.Context, p *auth.Principal, o *model.Offering, name string, write bool, scopes []string) (*auth.MintedKey, error) {
	return auth.MintScoped(ctx, s.apiKeys, p.Workspace, auth.ScopeOffering, o.ID, write, name, scopes, now())
}

// Keys lists the keys scoped to offering o.
func (s *Service) Keys(ctx context.Context, p *auth.Principal, o *model.Offering) ([]store.APIKey, error) {
	all, err := s.apiKeys.APIKeys(ctx, p.Workspace)
	if err != nil {
		return nil, err
	}
	var out []store.APIKey
	for _, k := range all {
		if k.Scope == string(auth.ScopeOffering) && k.ScopeID == o.ID {
			out = append(out, k)
		}
	}
	return out, nil
}

// RevokeKey revokes one of offering o's keys; a key that is not one of
// them (or unknown) is a 404.
func (s *Service) RevokeKey(ctx context.Context, p *auth.Principal, o *model.Offering, keyID string) error {
	keys, err := s.Keys(ctx, p, o)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if k.ID == keyID {
			if _, err := s.apiKeys.RevokeAPIKey(ctx, p.Workspace, keyID, now()); errors.Is(err, dynamo.ErrNotFound) {
				return apierr.NotFoundError()
			} else if err != nil {
				return err
			}
			return nil
		}
	}
	return apierr.NotFoundError()
}
