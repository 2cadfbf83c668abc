package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/guregu/dynamo/v2"
	"github.com/shopspring/decimal"

	"github.com/tranche-dev/tranche/pkg/model"
)

// Ledgers: the maintained totals of the rolling-12-month rules whose unit
// spans offerings or investor records, so a sale reads one item per rule
// instead of every investment of the unit:
//
//	ledger   WS#<ws>#LEDGER   CEILING#<regulation key>#ISSUER#pad(i)   days (map UTC date → price sold), v
//	         WS#<ws>#LEDGER   REGCF#USER#pad(u) | REGCF#ENTITY#pad(e) | REGCF#INVESTOR#pad(i)
//
// The first is an issuer's sales under one regulation (227.100(a)(1) Reg
// CF $5M; 230.251(a) Reg A Tier 2 $75M and Tier 1 $20M), the second one
// person's Reg CF purchases on this platform (227.100(a)(2); model.RegCFPerson
// says who is one person). Each sums the price of committed investments
// (the securities sold, not fees) per UTC day of the sale, so the window
// of any sale is a sum over at most 366 entries; days that left every
// window are dropped on the next write.
//
// A sale reads the ledgers (GetItem, consistent), the handler applies the
// rules to the sums, and CreateInvestment Puts each ledger back with the
// sale added in the same transaction as the investment, conditioned on
// the ledger's version v being the one read. Two racing sales to one
// issuer (in one offering or in two) cannot both pass on the same sum: the
// second's condition fails, the transaction is cancelled (ErrStale), and
// Retry re-reads the ledger and applies the rule to the new sum. An
// investment leaving the committed statuses (cancelled, refunded, …)
// takes its price back out of the day it was sold, in UpdateInvestment's
// transaction and under the same condition.

func ledgerPK(ws string) string { return kindPK(ws, "LEDGER") }

// Ledger is one unit's sales per UTC day, as read (V is 0 for a ledger
// not written yet).
type Ledger struct {
	PK   string                 `dynamo:"PK"`
	Key  string                 `dynamo:"SK"`
	Days map[string]model.Money `dynamo:"days"`
	V    int64                  `dynamo:"v"`
}

// Since sums the ledger's days from first (a model.LedgerDay) on.
func (l *Ledger) Since(first string) model.Money {
	if l == nil {
		return model.Money{}
	}
	return model.SumSince(l.Days, first)
}

// Ledgers reads the named ledgers consistently ("" names are skipped); a
// ledger never written is returned empty with V 0.
func (db InvestingStore) Ledgers(ctx context.Context, ws string, keys ...string) (map[string]*Ledger, error) {
	out := map[string]*Ledger{}
	for _, k := range keys {
		if k == "" || out[k] != nil {
			continue
		}
		var l Ledger
		err := db.table.Get(AttrPK, ledgerPK(ws)).Range(AttrSK, dynamo.Equal, k).Consistent(true).One(ctx, &l)
		switch {
		case errors.Is(err, dynamo.ErrNotFound):
			l = Ledger{PK: ledgerPK(ws), Key: k}
		case err != nil:
			return nil, err
		}
		out[k] = &l
	}
	return out, nil
}

// putLedger adds delta to the ledger's day and Puts it with the days that
// can still count at now, conditioned on the version read.
func (db InvestingStore) putLedger(t *txn, ws string, l *Ledger, day string, delta decimal.Decimal, now time.Time) {
	next := &Ledger{PK: ledgerPK(ws), Key: l.Key, Days: map[string]model.Money{}, V: l.V + 1}
	keep := model.WindowStart(now)
	for d, m := range l.Days {
		if d >= keep {
			next.Days[d] = m
		}
	}
	if day >= keep {
		sum := next.Days[day].Add(delta)
		if sum.IsPositive() {
			next.Days[day] = model.Money{Decimal: sum}
		} else {
			delete(next.Days, day)
		}
	}
	put := db.table.Put(next)
	if l.V == 0 {
		put.If("attribute_not_exists(PK)")
	} else {
		put.If("v = ?", l.V)
	}
	t.put(tagStale, put)
}

// ledgerKeysOf names the ledgers an investment counts in: those stored on
// it at creation, or, for one created before ledgers existed (imported),
// those its offering and investor name now.
func (db InvestingStore) ledgerKeysOf(ctx context.Context, ws string, inv *model.Investment) ([]string, error) {
	if inv.Ledgers != nil {
		return inv.Ledgers, nil
	}
	o, err := OfferingStore(db).Offering(ctx, ws, inv.Offering)
	if err != nil {
		return nil, err
	}
	investor, err := InvestorStore(db).Investor(ctx, ws, inv.Investor)
	if errors.Is(err, dynamo.ErrNotFound) {
		investor = &model.Investor{ID: inv.Investor}
	} else if err != nil {
		return nil, err
	}
	var keys []string
	for _, k := range []string{model.CeilingLedger(o), model.PersonLedger(o, investor)} {
		if k != "" {
			keys = append(keys, k)
		}
	}
	return keys, nil
}

// addLedgerMoves adds to the transaction the ledger writes of an update
// that moves an investment into or out of the committed statuses.
func (db InvestingStore) addLedgerMoves(ctx context.Context, t *txn, ws string, before, after *model.Investment, now time.Time) error {
	was, is := bucketsOf(before)[0], bucketsOf(after)[0]
	if was == is {
		return nil
	}
	keys, err := db.ledgerKeysOf(ctx, ws, after)
	if err != nil || len(keys) == 0 {
		return err
	}
	ls, err := db.Ledgers(ctx, ws, keys...)
	if err != nil {
		return err
	}
	delta := after.Price.Decimal
	if was {
		delta = delta.Neg()
	}
	for _, k := range keys {
		db.putLedger(t, ws, ls[k], model.LedgerDay(after.CreatedAt.Time), delta, now)
	}
	return nil
}

// RebuildLedgers recomputes every ledger of the workspace from the
// committed investments of its Reg CF and Reg A offerings (GSI1) and their
// investors, and overwrites the ledger items (those no investment counts
// in any more are emptied). It is for imports and repairs, like
// RebuildAggregates: it must not race live writes.
func (db InvestingStore) RebuildLedgers(ctx context.Context, ws string, now time.Time) error {
	var offs []offeringItem
	if err := db.table.Get(AttrPK, offeringPK(ws)).All(ctx, &offs); err != nil {
		return err
	}
	first := model.WindowStart(now)
	type sale struct {
		o   *model.Offering
		inv model.Investment
	}
	var sales []sale
	var investorIDs []int64
	for i := range offs {
		o := &offs[i].Offering
		if model.CeilingLedger(o) == "" && model.RegulationFor(o).Limit != model.RegCFLimit {
			continue
		}
		invs, err := db.investmentsOfOffering(ctx, ws, o.ID)
		if err != nil {
			return err
		}
		for _, inv := range invs {
			if model.Buckets(&inv)[0] && model.LedgerDay(inv.CreatedAt.Time) >= first {
				sales = append(sales, sale{o, inv})
				investorIDs = append(investorIDs, inv.Investor)
			}
		}
	}
	items, err := batchGet[investorItem](ctx, db.core, investorPK(ws), investorIDs)
	if err != nil {
		return err
	}
	investors := map[int64]*model.Investor{}
	for i := range items {
		investors[items[i].ID] = &items[i].Investor
	}
	days := map[string]map[string]model.Money{}
	add := func(key, day string, m model.Money) {
		if key == "" {
			return
		}
		if days[key] == nil {
			days[key] = map[string]model.Money{}
		}
		days[key][day] = model.Money{Decimal: days[key][day].Add(m.Decimal)}
	}
	for _, s := range sales {
		day := model.LedgerDay(s.inv.CreatedAt.Time)
		keys := s.inv.Ledgers
		if keys == nil {
			investor := investors[s.inv.Investor]
			if investor == nil {
				investor = &model.Investor{ID: s.inv.Investor}
			}
			keys = []string{model.CeilingLedger(s.o), model.PersonLedger(s.o, investor)}
		}
		for _, k := range keys {
			add(k, day, s.inv.Price)
		}
	}
	var have []Ledger
	if err := db.table.Get(AttrPK, ledgerPK(ws)).Consistent(true).All(ctx, &have); err != nil {
		return err
	}
	version := map[string]int64{}
	for _, l := range have {
		version[l.Key] = l.V
		if days[l.Key] == nil {
			days[l.Key] = map[string]model.Money{}
		}
	}
	var puts []any
	for k, d := range days {
		puts = append(puts, &Ledger{PK: ledgerPK(ws), Key: k, Days: maps.Clone(d), V: version[k] + 1})
	}
	if _, err := db.putAll(ctx, puts, nil); err != nil {
		return fmt.Errorf("store: rebuild ledgers: %w", err)
	}
	return nil
}
