package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/model"
)

// Trade is one IBKR trade of a user (seed 003's TradeHistory). Trades are
// the caller's own: they live in the user's partition
// IDENTITY#<clerk id>#TRADE, sorted by trade_id.
type Trade struct {
	PK string `dynamo:"PK"`
	SK string `dynamo:"SK"`

	ID              int64        `dynamo:"id"`
	User            string       `dynamo:"user"` // the identity's UUID
	CreatedAt       model.Time   `dynamo:"created_at"`
	UpdatedAt       model.Time   `dynamo:"update_at"`
	Version         int64        `dynamo:"version"`
	Symbol          string       `dynamo:"symbol"`
	Side            string       `dynamo:"side"`
	Type            string       `dynamo:"type"`
	Qty             model.Money  `dynamo:"qty"`
	TradePrice      model.Money  `dynamo:"trade_price"`
	ClosePrice      *model.Money `dynamo:"close_price"`
	OpenTime        *model.Time  `dynamo:"open_time"`
	CloseTime       *model.Time  `dynamo:"close_time"`
	Duration        string       `dynamo:"duration"`
	CommissionFee   model.Money  `dynamo:"commission_fee"`
	OrderID         string       `dynamo:"order_id"`
	TradeID         string       `dynamo:"trade_id"`
	ClientAccountID string       `dynamo:"client_account_id"`
	AccountAlias    string       `dynamo:"account_alias"`
}

func tradesPK(clerkID string) string { return identityPK(clerkID) + "#TRADE" }

// Trades lists a user's trades.
func (db TradeStore) Trades(ctx context.Context, clerkID string) ([]Trade, error) {
	var ts []Trade
	err := db.table.Get(AttrPK, tradesPK(clerkID)).All(ctx, &ts)
	if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
		return nil, fmt.Errorf("store: trades: %w", err)
	}
	return ts, nil
}

// ImportTrade writes a trade keyed by its trade_id. A trade_id seen before
// keeps its id and created_at; its fields are replaced and its version
// bumped only when they changed, so importing the same file twice changes
// nothing. It reports whether the trade was new.
func (db TradeStore) ImportTrade(ctx context.Context, clerkID string, t *Trade) (bool, error) {
	t.PK, t.SK = tradesPK(clerkID), "TRADE#"+t.TradeID
	var old Trade
	err := db.table.Get(AttrPK, t.PK).Range(AttrSK, dynamo.Equal, t.SK).Consistent(true).One(ctx, &old)
	switch {
	case errors.Is(err, dynamo.ErrNotFound):
		id, err := db.nextGlobal(ctx, "trade")
		if err != nil {
			return false, err
		}
		t.ID, t.Version, t.CreatedAt = id, 1, idNow()
		t.UpdatedAt = t.CreatedAt
		err = db.table.Put(t).If("attribute_not_exists(PK)").Run(ctx)
		if dynamo.IsCondCheckFailed(err) {
			return db.ImportTrade(ctx, clerkID, t)
		}
		return err == nil, err
	case err != nil:
		return false, fmt.Errorf("store: import trade: %w", err)
	}
	t.ID, t.CreatedAt, t.Version, t.UpdatedAt = old.ID, old.CreatedAt, old.Version, old.UpdatedAt
	if sameTrade(&old, t) {
		*t = old
		return false, nil
	}
	t.Version = old.Version + 1
	t.UpdatedAt = idNow()
	err = db.table.Put(t).If("version = ?", old.Version).Run(ctx)
	if dynamo.IsCondCheckFailed(err) {
		return false, ErrStale
	}
	return false, err
}

func sameTrade(a, b *Trade) bool {
	eqM := func(x, y *model.Money) bool {
		if x == nil || y == nil {
			return x == y
		}
		return x.Equal(y.Decimal)
	}
	eqT := func(x, y *model.Time) bool {
		if x == nil || y == nil {
			return x == y
		}
		return x.Equal(y.Time)
	}
	return a.Symbol == b.Symbol && a.Side == b.Side && a.Type == b.Type && a.Qty.Equal(b.Qty.Decimal) &&
		a.TradePrice.Equal(b.TradePrice.Decimal) && eqM(a.ClosePrice, b.ClosePrice) && eqT(a.OpenTime, b.OpenTime) &&
		eqT(a.CloseTime, b.CloseTime) && a.Duration == b.Duration && a.CommissionFee.Equal(b.CommissionFee.Decimal) &&
		a.OrderID == b.OrderID && a.ClientAccountID == b.ClientAccountID && a.AccountAlias == b.AccountAlias && a.User == b.User
}
