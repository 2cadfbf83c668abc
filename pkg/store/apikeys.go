package store

import (
	"context"
	"fmt"
	"time"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/model"
)

// APIKey is an issuer API key as stored: never the key itself, only its
// SHA-256 hash (the sort key) and what a listing may show.
type APIKey struct {
	PK        string `dynamo:"PK"`
	SK        string `dynamo:"SK"` // KEY#<sha256 hex>
	GSI1PK    string `dynamo:"GSI1PK"`
	GSI1SK    string `dynamo:"GSI1SK"`
	ID        string `dynamo:"key_id"`
	Workspace string `dynamo:"workspace"`
	Name      string `dynamo:"name,allowempty"`
	Scope     string `dynamo:"scope"`
	ScopeID   int64  `dynamo:"scope_id"`
	Write     bool   `dynamo:"write"`
	// Scopes are named grants beyond the data scope (seed 002's
	// accounts.read, accounts.write); keys minted before scopes have none.
	Scopes     []string    `dynamo:"scopes,omitempty"`
	Prefix     string      `dynamo:"prefix"` // shown masked: prefix…last4
	Last4      string      `dynamo:"last4"`
	CreatedAt  model.Time  `dynamo:"created_at"`
	LastUsedAt *model.Time `dynamo:"last_used_at"`
	RevokedAt  *model.Time `dynamo:"revoked_at"`
}

func keysIndexPK(ws string) string { return kindPK(ws, "KEYS") }

// PutAPIKey stores a new key; the hash must be new.
func (db APIKeyStore) PutAPIKey(ctx context.Context, k *APIKey, hash string) error {
	k.PK, k.SK = wsPK(k.Workspace), "KEY#"+hash
	k.GSI1PK, k.GSI1SK = keysIndexPK(k.Workspace), k.CreatedAt.SortKey()+"#"+k.ID
	if err := db.table.Put(k).If("attribute_not_exists(PK)").Run(ctx); err != nil {
		return fmt.Errorf("store: put api key: %w", err)
	}
	return nil
}

// APIKeyByHash returns the key with that hash. Returns dynamo.ErrNotFound if
// there is none.
func (db APIKeyStore) APIKeyByHash(ctx context.Context, ws, hash string) (*APIKey, error) {
	var k APIKey
	if err := db.table.Get(AttrPK, wsPK(ws)).Range(AttrSK, dynamo.Equal, "KEY#"+hash).One(ctx, &k); err != nil {
		return nil, err
	}
	return &k, nil
}

// APIKeys lists a workspace's keys, oldest first.
func (db APIKeyStore) APIKeys(ctx context.Context, ws string) ([]APIKey, error) {
	var out []APIKey
	err := db.table.Get("GSI1PK", keysIndexPK(ws)).Index("GSI1").All(ctx, &out)
	return out, err
}

// RevokeAPIKey marks the key with that id revoked. Returns dynamo.ErrNotFound
// if the workspace has no such key.
func (db APIKeyStore) RevokeAPIKey(ctx context.Context, ws, id string, at time.Time) (*APIKey, error) {
	keys, err := db.APIKeys(ctx, ws)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if k.ID != id {
			continue
		}
		t := model.NewTime(at)
		err := db.table.Update(AttrPK, k.PK).Range(AttrSK, k.SK).Set("revoked_at", t).
			If("attribute_not_exists(revoked_at)").Run(ctx)
		if err != nil && !dynamo.IsCondCheckFailed(err) {
			return nil, err
		}
		if k.RevokedAt == nil {
			k.RevokedAt = &t
		}
		return &k, nil
	}
	return nil, dynamo.ErrNotFound
}

// TouchAPIKey records a use, at most once a minute per key, so that busy
// keys do not turn every read into a write.
func (db APIKeyStore) TouchAPIKey(ctx context.Context, k *APIKey, at time.Time) error {
	t := model.NewTime(at)
	cutoff := model.NewTime(at.Add(-time.Minute))
	err := db.table.Update(AttrPK, k.PK).Range(AttrSK, k.SK).Set("last_used_at", t).
		If("attribute_not_exists(last_used_at) OR last_used_at < ?", cutoff).Run(ctx)
	if err != nil && !dynamo.IsCondCheckFailed(err) {
		return err
	}
	return nil
}
