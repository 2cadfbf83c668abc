package trades

import (
	"context"
	"errors"

	"github.com/tranche-dev/tranche/pkg/identity"
	"github.com/tranche-dev/tranche/pkg/store"
)

// Service is the trades' write side: importing a caller's validated
// trades idempotently on trade_id. It owns the ownership rule (a trade
// names its owner by the identity's UUID, seed 003's "user"), the order
// of the writes and the retry of a lost race; it knows nothing of HTTP.
type Service struct {
	trades store.TradeStore
	ids    *identity.Service
}

// NewService returns the trades service over db's trade aggregate and
// the identity service.
func NewService(db *store.DB) *Service {
	if db == nil {
		db = &store.DB{} // routes bound without a store (tests): nothing is usable, as with a nil *DB
	}
	return &Service{trades: db.TradeStore, ids: identity.NewService(db, identity.SystemClock)}
}

// Import writes the trades in the order given, so that new trades get ids
// (and the list its order) in the order of the import: a new trade_id is
// created, a known one keeps its id and created_at and is rewritten only
// when a field changed. Should a write fail midway, the import fails and
// importing again completes it without duplicates.
func (s *Service) Import(ctx context.Context, clerkID string, ts []store.Trade) (importResult, error) {
	var res importResult
	id, err := s.ids.Caller(ctx, clerkID)
	if err != nil {
		return res, err
	}
	for i := range ts {
		ts[i].User = id.UUID
		created, err := s.importOne(ctx, clerkID, &ts[i])
		if err != nil {
			return res, err
		}
		if created {
			res.Created++
		} else {
			res.AlreadyPresent++
		}
	}
	return res, nil
}

// importOne writes one trade, retrying once when a concurrent import of
// the same trade_id won the race; a second loss is store.ErrStale (409).
func (s *Service) importOne(ctx context.Context, clerkID string, t *store.Trade) (bool, error) {
	for attempt := 0; ; attempt++ {
		created, err := s.trades.ImportTrade(ctx, clerkID, t)
		if errors.Is(err, store.ErrStale) && attempt == 0 {
			continue
		}
		return created, err
	}
}
