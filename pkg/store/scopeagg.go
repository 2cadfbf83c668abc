package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/guregu/dynamo/v2"
	"golang.org/x/sync/errgroup"

	"github.com/tranche-dev/tranche/pkg/model"
)

// Running totals per scope (issuer, workspace), so that an unfiltered
// summary for an issuer or workspace key is one GetItem rather than a read
// of every per-investor counter of every offering in scope.
//
//	item                          PK                          SK                  attributes
//	investor of issuer (counters) WS#<ws>#ISSUER#<i>#INVESTOR pad(investor)       id, committed, received, invested, v
//	investor in workspace         WS#<ws>#INVESTORCOUNT       pad(investor)       id, committed, received, invested, v
//	issuer totals                 WS#<ws>#SCOPEAGG            ISSUER#pad(issuer)  committed/received/invested _amount _count _investors
//	workspace totals              WS#<ws>#SCOPEAGG            WORKSPACE           the same
//
// The per-investor counters hold how many of the investor's investments
// in the scope are in each summary bucket; a scope's investor count for a
// bucket moves only when the investor's counter crosses 0↔1. Both are
// updated in the transaction that updates the offering's totals and the
// investor-in-offering counters, with a condition on the counters' v as
// read, so racing writes for the same investor retry instead of counting
// it twice.

func scopeAggPK(ws string) string      { return kindPK(ws, "SCOPEAGG") }
func investorCountPK(ws string) string { return kindPK(ws, "INVESTORCOUNT") }
func issuerAggSK(issuer int64) string  { return "ISSUER#" + padID(issuer) }

const skWorkspaceAgg = "WORKSPACE"

// scopeAggItem is an issuer's or the workspace's running totals.
type scopeAggItem struct {
	PK                 string      `dynamo:"PK"`
	SK                 string      `dynamo:"SK"`
	Issuer             int64       `dynamo:"issuer,omitempty"` // 0: the workspace
	CommittedAmount    model.Money `dynamo:"committed_amount"`
	CommittedCount     int64       `dynamo:"committed_count"`
	CommittedInvestors int64       `dynamo:"committed_investors"`
	ReceivedAmount     model.Money `dynamo:"received_amount"`
	ReceivedCount      int64       `dynamo:"received_count"`
	ReceivedInvestors  int64       `dynamo:"received_investors"`
	InvestedAmount     model.Money `dynamo:"invested_amount"`
	InvestedCount      int64       `dynamo:"invested_count"`
	InvestedInvestors  int64       `dynamo:"invested_investors"`
}

func (a *scopeAggItem) model() model.Aggregate {
	return model.Aggregate{
		Committed: model.Totals{Amount: a.CommittedAmount, Count: a.CommittedCount, InvestorCount: a.CommittedInvestors},
		Received:  model.Totals{Amount: a.ReceivedAmount, Count: a.ReceivedCount, InvestorCount: a.ReceivedInvestors},
		Invested:  model.Totals{Amount: a.InvestedAmount, Count: a.InvestedCount, InvestorCount: a.InvestedInvestors},
	}
}

// add adds an offering's totals (amounts and counts; investor counts are
// computed from the counters).
func (a *scopeAggItem) add(o *aggregateItem) {
	a.CommittedAmount = model.Money{Decimal: a.CommittedAmount.Add(o.CommittedAmount.Decimal)}
	a.ReceivedAmount = model.Money{Decimal: a.ReceivedAmount.Add(o.ReceivedAmount.Decimal)}
	a.InvestedAmount = model.Money{Decimal: a.InvestedAmount.Add(o.InvestedAmount.Decimal)}
	a.CommittedCount += o.CommittedCount
	a.ReceivedCount += o.ReceivedCount
	a.InvestedCount += o.InvestedCount
}

// investorCounter is an investor's counters in a scope (issuer or workspace).
type investorCounter struct {
	PK        string `dynamo:"PK"`
	SK        string `dynamo:"SK"`
	ID        int64  `dynamo:"id"`
	Committed int64  `dynamo:"committed"`
	Received  int64  `dynamo:"received"`
	Invested  int64  `dynamo:"invested"`
	V         int64  `dynamo:"v"`
}

func (c *investorCounter) count(b int) int64 {
	return [3]int64{c.Committed, c.Received, c.Invested}[b]
}

func (c *investorCounter) counts() [3]int64 { return [3]int64{c.Committed, c.Received, c.Invested} }

// scopeCounters are an investor's issuer- and workspace-level counters as
// read before a write.
type scopeCounters struct {
	issuer    int64
	atIssuer  *investorCounter // nil when the investment names no issuer
	workspace *investorCounter
}

// readCounter is a consistent read of a counter item (zero if none).
func (db InvestingStore) readCounter(ctx context.Context, pk string, investor int64) (*investorCounter, error) {
	var c investorCounter
	err := db.table.Get(AttrPK, pk).Range(AttrSK, dynamo.Equal, padID(investor)).Consistent(true).One(ctx, &c)
	if errors.Is(err, dynamo.ErrNotFound) {
		return &investorCounter{PK: pk, SK: padID(investor), ID: investor}, nil
	}
	return &c, err
}

// scopeCountersOf reads the investor's counters at the issuer and the
// workspace level.
func (db InvestingStore) scopeCountersOf(ctx context.Context, ws string, issuer, investor int64) (*scopeCounters, error) {
	sc := &scopeCounters{issuer: issuer}
	var err error
	if issuer != 0 {
		if sc.atIssuer, err = db.readCounter(ctx, investorsOfIssuerPK(ws, issuer), investor); err != nil {
			return nil, err
		}
	}
	if sc.workspace, err = db.readCounter(ctx, investorCountPK(ws), investor); err != nil {
		return nil, err
	}
	return sc, nil
}

// addScopeTotals adds to the transaction the delta's updates of the
// investor's issuer- and workspace-level counters (conditioned on their v
// as read) and of the issuer's and workspace's totals. create also writes
// the investor-of-issuer link when no counter moves (the link is what an
// issuer key's investor list reads).
func (db InvestingStore) addScopeTotals(t *txn, ws string, investor int64, sc *scopeCounters, d delta, create bool) {
	type level struct {
		c      *investorCounter
		aggSK  string
		issuer int64
	}
	levels := []level{{sc.workspace, skWorkspaceAgg, 0}}
	if sc.atIssuer != nil {
		levels = append(levels, level{sc.atIssuer, issuerAggSK(sc.issuer), sc.issuer})
	}
	moves := d.holding != [3]int64{}
	for _, l := range levels {
		var invCount [3]int64
		for i := range bucketNames {
			old := l.c.count(i)
			now := old + d.holding[i]
			switch {
			case old <= 0 && now > 0:
				invCount[i] = 1
			case old > 0 && now <= 0:
				invCount[i] = -1
			}
		}
		if moves || create {
			cu := db.table.Update(AttrPK, l.c.PK).Range(AttrSK, l.c.SK).Set("id", investor).Add(attrHoldingV, 1)
			for i, n := range bucketNames {
				if d.holding[i] != 0 {
					cu.Add(n, d.holding[i])
				}
			}
			if l.c.V == 0 {
				cu.If("attribute_not_exists(v)")
			} else {
				cu.If("v = ?", l.c.V)
			}
			t.update(tagStale, cu)
		}
		au := db.table.Update(AttrPK, scopeAggPK(ws)).Range(AttrSK, l.aggSK)
		if l.issuer != 0 {
			au.Set("issuer", l.issuer)
		}
		if addBuckets(au, &d, invCount) {
			t.update(tagNone, au)
		}
	}
}

// ScopeAggregate returns the running totals of a scope: an offering's
// (OfferingAggregates), an issuer's or the workspace's (one GetItem). The
// investor counts are distinct investors across the scope. Offering is
// zero for issuer and workspace totals.
func (db InvestingStore) ScopeAggregate(ctx context.Context, ws string, sc Scope) (model.Aggregate, error) {
	if sc.Offering != 0 {
		aggs, err := db.OfferingAggregates(ctx, ws, []int64{sc.Offering})
		if err != nil {
			return model.Aggregate{}, err
		}
		return aggs[sc.Offering], nil
	}
	sk := skWorkspaceAgg
	if sc.Issuer != 0 {
		sk = issuerAggSK(sc.Issuer)
	}
	var it scopeAggItem
	var cc dynamo.ConsumedCapacity
	err := db.table.Get(AttrPK, scopeAggPK(ws)).Range(AttrSK, dynamo.Equal, sk).ConsumedCapacity(&cc).One(ctx, &it)
	if errors.Is(err, dynamo.ErrNotFound) {
		record(ctx, 0, &cc)
		return model.Aggregate{}, nil
	}
	if err != nil {
		return model.Aggregate{}, err
	}
	record(ctx, 1, &cc)
	return it.model(), nil
}

// RebuildScopeAggregates recomputes the issuer- and workspace-level
// counters and totals of the workspace from the offerings' totals and
// investor-in-offering counters (run RebuildAggregates for the offerings
// first): one Query of each offering's link partition. Counters already
// right are left alone, so running it twice writes only the totals, with
// the same values. Like RebuildAggregates it is for imports and repairs
// and must not race live writes.
func (db InvestingStore) RebuildScopeAggregates(ctx context.Context, ws string) error {
	offs, err := OfferingStore(db).ScopeOfferings(ctx, ws, Scope{})
	if err != nil {
		return err
	}
	issuerItems, err := queryInto[linkItem](ctx, db.core, tableKey(issuerPK(ws)), nil)
	if err != nil {
		return err
	}
	ids := make([]int64, len(offs))
	for i := range offs {
		ids[i] = offs[i].ID
	}
	aggItems, err := batchGet[aggregateItem](ctx, db.core, aggregatePK(ws), ids)
	if err != nil {
		return err
	}
	aggOf := make(map[int64]*aggregateItem, len(aggItems))
	for i := range aggItems {
		aggOf[aggItems[i].Offering] = &aggItems[i]
	}

	wsAgg := &scopeAggItem{PK: scopeAggPK(ws), SK: skWorkspaceAgg}
	issuerAgg := map[int64]*scopeAggItem{}
	issuerOf := func(id int64) *scopeAggItem {
		a := issuerAgg[id]
		if a == nil {
			a = &scopeAggItem{PK: scopeAggPK(ws), SK: issuerAggSK(id), Issuer: id}
			issuerAgg[id] = a
		}
		return a
	}
	for _, it := range issuerItems {
		issuerOf(it.ID)
	}
	for _, o := range offs {
		issuerOf(o.Issuer)
	}
	// The partitions read below are independent: read them side by side
	// (importWorkers at a time), then add up in order.
	holdings := make([][]holdingItem, len(offs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(importWorkers)
	for i, o := range offs {
		g.Go(func() (err error) {
			holdings[i], err = queryInto[holdingItem](gctx, db.core, tableKey(investorsOfOfferingPK(ws, o.ID)), nil)
			return err
		})
	}
	counterPKs := []string{investorCountPK(ws)}
	for id := range issuerAgg {
		counterPKs = append(counterPKs, investorsOfIssuerPK(ws, id))
	}
	haveCounters := make([][]investorCounter, len(counterPKs))
	for i, pk := range counterPKs {
		g.Go(func() (err error) {
			haveCounters[i], err = queryInto[investorCounter](gctx, db.core, tableKey(pk), nil)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	counterPK := make(map[string][]investorCounter, len(counterPKs))
	for i, pk := range counterPKs {
		counterPK[pk] = haveCounters[i]
	}

	wsCounts := map[int64][3]int64{}
	issuerCounts := map[int64]map[int64][3]int64{}
	for i, o := range offs {
		ia := issuerOf(o.Issuer)
		if a := aggOf[o.ID]; a != nil {
			wsAgg.add(a)
			ia.add(a)
		}
		hs := holdings[i]
		ic := issuerCounts[o.Issuer]
		if ic == nil {
			ic = map[int64][3]int64{}
			issuerCounts[o.Issuer] = ic
		}
		for _, h := range hs {
			w, c := wsCounts[h.ID], ic[h.ID]
			for b := 0; b < 3; b++ {
				w[b] += h.count(b)
				c[b] += h.count(b)
			}
			wsCounts[h.ID], ic[h.ID] = w, c
		}
	}

	var items []any
	// counters writes the counters of one partition that differ from what
	// it holds and returns the distinct investors per bucket.
	counters := func(pk string, want map[int64][3]int64) ([3]int64, error) {
		have := counterPK[pk]
		byID := make(map[int64]*investorCounter, len(have))
		for i := range have {
			byID[have[i].ID] = &have[i]
			if _, ok := want[have[i].ID]; !ok {
				want[have[i].ID] = [3]int64{}
			}
		}
		var investors [3]int64
		for id, n := range want {
			for b := 0; b < 3; b++ {
				if n[b] > 0 {
					investors[b]++
				}
			}
			h := byID[id]
			if h != nil && h.counts() == n {
				continue
			}
			c := &investorCounter{PK: pk, SK: padID(id), ID: id, Committed: n[0], Received: n[1], Invested: n[2], V: 1}
			if h != nil {
				c.V = h.V + 1
			}
			items = append(items, c)
		}
		return investors, nil
	}
	n, err := counters(investorCountPK(ws), wsCounts)
	if err != nil {
		return err
	}
	wsAgg.CommittedInvestors, wsAgg.ReceivedInvestors, wsAgg.InvestedInvestors = n[0], n[1], n[2]
	items = append(items, wsAgg)
	for id, a := range issuerAgg {
		want := issuerCounts[id]
		if want == nil {
			want = map[int64][3]int64{}
		}
		n, err := counters(investorsOfIssuerPK(ws, id), want)
		if err != nil {
			return err
		}
		a.CommittedInvestors, a.ReceivedInvestors, a.InvestedInvestors = n[0], n[1], n[2]
		items = append(items, a)
	}
	if _, err := db.putAll(ctx, items, nil); err != nil {
		return fmt.Errorf("store: rebuild scope aggregates: %w", err)
	}
	return nil
}
