package store

import (
	"context"
	"fmt"
	"time"

	"github.com/guregu/dynamo/v2"
	"github.com/shopspring/decimal"

	"github.com/tranche-dev/tranche/pkg/model"
)

// The investment aggregate's writes: create and update with the running
// totals, the ledgers, the day index and the audit trail in one
// transaction, and the reads they are planned on.

// InvestmentCreate is what creating an investment checks beyond the
// investment itself.
type InvestmentCreate struct {
	OfferingVersion int64        // the offering as read (status open, settings)
	Maximum         *model.Money // the offering's maximum amount raised, if any
	NonAccredited   bool         // the investor is not accredited
	MaxNonAcc       int          // 506(b): cap on non-accredited investors; 0 none
	Actor           string
	// Ledgers are the rolling-12-month ledgers the sale counts in, as read
	// for the rules (ledger.go): each is written back with the sale added,
	// conditioned on the version read.
	Ledgers []*Ledger
	// Decision is the record of the rules the sale was checked against; it
	// goes on the investment's create record and on the offering's trail.
	Decision *model.LimitDecision
	// Held is the investor's holding in the offering as the rules read it
	// (InvestingStore.Holding), nil when they did not: the per-investor maximum, Reg A
	// Tier 2's limit and whether the investor already counts as a
	// non-accredited purchaser were decided on it. The write is
	// conditioned on its version, so if the holding moved since, the
	// write is ErrStale and the caller re-plans (two racing sales of one
	// investor could otherwise both pass a check made on the same old
	// holding, or both decide the investor was not yet counted).
	Held *Holding
	// Steps are transitions applied on creation (none today; kept so an
	// auto-action at creation would share the audit path).
}

// CreateInvestment allocates the investment's id and writes, in one
// transaction: the investment (its GSI keys from newInvestmentItem), the
// investor-in-offering link with the investor's counters, the
// investor-of-issuer link, the offering's running totals conditioned on the
// maximum amount raised (and 506(b)'s cap on non-accredited purchasers), a
// check that the offering did not change since it was read, and the audit
// record. Returns *LimitError when a cap refuses it and ErrStale when the
// offering or the investor's counters moved.
func (db InvestingStore) CreateInvestment(ctx context.Context, ws string, inv *model.Investment, c InvestmentCreate) error {
	if inv.ID == 0 {
		id, err := db.nextID(ctx, ws, KindInvestment)
		if err != nil {
			return err
		}
		inv.ID = id
	}
	h, err := db.holding(ctx, ws, inv.Offering, inv.Investor)
	if err != nil {
		return err
	}
	if c.Held != nil && h.V != c.Held.Version {
		return fmt.Errorf("%w (the investor's holding moved since the rules read it)", ErrStale)
	}
	sc, err := db.scopeCountersOf(ctx, ws, inv.Issuer, inv.Investor) // issuer and workspace totals (scopeagg.go)
	if err != nil {
		return err
	}
	inv.Version = 1
	d := computeDelta(nil, inv, h, c.NonAccredited)
	inv.Ledgers = nil
	for _, l := range c.Ledgers {
		inv.Ledgers = append(inv.Ledgers, l.Key)
	}
	t := db.newTxn().changed(ws, KindInvestment, inv.ID)
	t.put(tagExists, db.table.Put(newInvestmentItem(ws, inv)).If("attribute_not_exists(PK)"))
	var limit *decimal.Decimal
	if c.Maximum != nil {
		l := c.Maximum.Sub(inv.Amount.Decimal)
		if l.IsNegative() {
			return &LimitError{Limit: "maximum_amount_raised"}
		}
		limit = &l
	}
	db.addTotals(t, ws, inv.Offering, inv.Investor, h, d, c.NonAccredited, limit, c.MaxNonAcc)
	for _, l := range c.Ledgers {
		db.putLedger(t, ws, l, model.LedgerDay(inv.CreatedAt.Time), inv.Price.Decimal, inv.CreatedAt.Time)
	}
	// The investor-of-issuer link, with the investor's issuer-level counters,
	// and the issuer's and workspace's totals (scopeagg.go).
	db.addScopeTotals(t, ws, inv.Investor, sc, d, true)
	cond, args := versionCond(attrVersion, c.OfferingVersion)
	t.check(tagStale, db.table.Check(AttrPK, offeringPK(ws)).Range(AttrSK, padID(inv.Offering)).If("attribute_exists(PK) AND ("+cond+")", args...))
	created := newAudit(ws, "INVESTMENT", inv.ID, "create", "", inv.Status, c.Actor, inv.CreatedAt, 0)
	created.Decision = c.Decision
	t.put(tagNone, db.table.Put(created))
	// The offering's trail names each sale with its decision; the sort key
	// carries the investment, so two sales in one microsecond both stay.
	sale := newAudit(ws, "OFFERING", inv.Offering, "sale", "", inv.Status, c.Actor, inv.CreatedAt, 0)
	sale.SK = inv.CreatedAt.SortKey() + "#INVESTMENT#" + padID(inv.ID)
	sale.Investment, sale.Decision = inv.ID, c.Decision
	t.put(tagNone, db.table.Put(sale))
	db.addActivity(t, ws, nil, inv) // the summary's *_today index (dayindex.go)
	return t.run(ctx)
}

// InvestmentForWrite is a consistent read of an investment for a write
// conditioned on its version.
func (db InvestingStore) InvestmentForWrite(ctx context.Context, ws string, id int64) (*model.Investment, error) {
	var it investmentItem
	if err := db.table.Get(AttrPK, investmentPK(ws)).Range(AttrSK, dynamo.Equal, padID(id)).Consistent(true).One(ctx, &it); err != nil {
		return nil, err
	}
	return &it.Investment, nil
}

// Step is one transition applied by a write, for its audit record.
type Step = model.Step

// UpdateInvestment stores after in place of before (whose Version is the
// one read) and moves the offering's running totals and the investor's
// counters by the difference, with one audit record per step, in one
// transaction. after.Version is set to before.Version+1. Returns ErrStale
// if the investment or the counters changed since they were read.
func (db InvestingStore) UpdateInvestment(ctx context.Context, ws string, before, after *model.Investment, steps []Step, actor string, at time.Time) error {
	h, err := db.holding(ctx, ws, after.Offering, after.Investor)
	if err != nil {
		return err
	}
	after.Version = before.Version + 1
	d := computeDelta(before, after, h, h.NonAccredited)
	var sc *scopeCounters
	if !d.isZero() {
		if sc, err = db.scopeCountersOf(ctx, ws, after.Issuer, after.Investor); err != nil { // scopeagg.go
			return err
		}
	}
	cond, args := versionCond(attrVersion, before.Version)
	t := db.newTxn().changed(ws, KindInvestment, after.ID)
	t.put(tagStale, db.table.Put(newInvestmentItem(ws, after)).If("attribute_exists(PK) AND ("+cond+")", args...))
	if !d.isZero() {
		db.addTotals(t, ws, after.Offering, after.Investor, h, d, false, nil, 0)
		db.addScopeTotals(t, ws, after.Investor, sc, d, false)
	}
	// A sale leaving (or re-entering) the committed statuses moves its
	// price in the 12-month ledgers (ledger.go).
	if err := db.addLedgerMoves(ctx, t, ws, before, after, at); err != nil {
		return err
	}
	when := model.NewTime(at)
	for i, s := range steps {
		a := newAudit(ws, "INVESTMENT", after.ID, s.Action, s.From, s.To, actor, when, i)
		a.Detail = s.Detail
		t.put(tagNone, db.table.Put(a))
	}
	db.addActivity(t, ws, before, after) // the summary's *_today index (dayindex.go)
	return t.run(ctx)
}

// InvestmentsOfOfferingInStatus lists an offering's investments in one
// status (GSI3, begins_with the offering).
func (db InvestingStore) InvestmentsOfOfferingInStatus(ctx context.Context, ws string, offering int64, status string) ([]model.Investment, error) {
	var items []investmentItem
	err := db.table.Get("GSI3PK", investmentsByStatusPK(ws, status)).Index("GSI3").
		Range("GSI3SK", dynamo.BeginsWith, padID(offering)+"#").All(ctx, &items)
	out := make([]model.Investment, len(items))
	for i := range items {
		out[i] = items[i].Investment
	}
	return out, err
}

// investmentsOfOffering lists every investment of an offering (GSI1).
func (db InvestingStore) investmentsOfOffering(ctx context.Context, ws string, offering int64) ([]model.Investment, error) {
	var items []investmentItem
	err := db.table.Get("GSI1PK", investmentsOfOfferingPK(ws, offering)).Index("GSI1").All(ctx, &items)
	out := make([]model.Investment, len(items))
	for i := range items {
		out[i] = items[i].Investment
	}
	return out, err
}

// InvestmentsOfOffering lists every investment of an offering (GSI1).
func (db InvestingStore) InvestmentsOfOffering(ctx context.Context, ws string, offering int64) ([]model.Investment, error) {
	return db.investmentsOfOffering(ctx, ws, offering)
}

// RebuildAggregates recomputes an offering's running totals and its
// investors' counters from its investments (GSI1) and overwrites them.
// Running it twice writes the same values. It is for imports and repairs:
// it must not race live writes to the same offering.
func (db InvestingStore) RebuildAggregates(ctx context.Context, ws string, offering int64) error {
	invs, err := db.investmentsOfOffering(ctx, ws, offering)
	if err != nil {
		return err
	}
	agg := &aggregateItem{PK: aggregatePK(ws), SK: padID(offering), Offering: offering}
	holdings := map[int64]*holdingItem{}
	for i := range invs {
		inv := &invs[i]
		h := holdings[inv.Investor]
		if h == nil {
			h = &holdingItem{PK: investorsOfOfferingPK(ws, offering), SK: padID(inv.Investor), ID: inv.Investor, V: 1, CommittedPrice: &model.Money{}}
			holdings[inv.Investor] = h
		}
		if inv.AccreditedInvestor != nil && !*inv.AccreditedInvestor {
			h.NonAccredited = true
		}
		b := model.Buckets(inv)
		if b[0] {
			h.Committed++
			h.CommittedAmount = model.Money{Decimal: h.CommittedAmount.Add(inv.Amount.Decimal)}
			h.CommittedPrice = &model.Money{Decimal: h.CommittedPrice.Add(inv.Price.Decimal)}
			agg.CommittedCount++
			agg.CommittedAmount = model.Money{Decimal: agg.CommittedAmount.Add(inv.Amount.Decimal)}
		}
		if b[1] {
			h.Received++
			agg.ReceivedCount++
			agg.ReceivedAmount = model.Money{Decimal: agg.ReceivedAmount.Add(inv.Amount.Decimal)}
		}
		if b[2] {
			h.Invested++
			agg.InvestedCount++
			agg.InvestedAmount = model.Money{Decimal: agg.InvestedAmount.Add(inv.Amount.Decimal)}
		}
	}
	items := []any{agg}
	for _, h := range holdings {
		if h.Committed > 0 {
			agg.CommittedInvestors++
			if h.NonAccredited {
				agg.NonAccredited++
			}
		}
		if h.Received > 0 {
			agg.ReceivedInvestors++
		}
		if h.Invested > 0 {
			agg.InvestedInvestors++
		}
		items = append(items, h)
	}
	if _, err := db.putAll(ctx, items, nil); err != nil {
		return fmt.Errorf("store: rebuild aggregates of offering %d: %w", offering, err)
	}
	return nil
}
