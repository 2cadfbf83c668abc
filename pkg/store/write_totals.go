package store

import (
	"context"
	"errors"

	"github.com/guregu/dynamo/v2"
	"github.com/shopspring/decimal"

	"github.com/tranche-dev/tranche/pkg/model"
)

// The running totals of the write side: an offering's aggregate item, each
// investor's holding (investor-in-offering link) counters, and how one
// investment write moves them (delta, addTotals).

var bucketNames = [3]string{"committed", "received", "invested"}

// aggregateItem is an offering's running totals: the summary's three lines
// and the count of distinct non-accredited committed investors (506(b)).
type aggregateItem struct {
	PK                 string      `dynamo:"PK"`
	SK                 string      `dynamo:"SK"`
	Offering           int64       `dynamo:"offering"`
	CommittedAmount    model.Money `dynamo:"committed_amount"`
	CommittedCount     int64       `dynamo:"committed_count"`
	CommittedInvestors int64       `dynamo:"committed_investors"`
	ReceivedAmount     model.Money `dynamo:"received_amount"`
	ReceivedCount      int64       `dynamo:"received_count"`
	ReceivedInvestors  int64       `dynamo:"received_investors"`
	InvestedAmount     model.Money `dynamo:"invested_amount"`
	InvestedCount      int64       `dynamo:"invested_count"`
	InvestedInvestors  int64       `dynamo:"invested_investors"`
	NonAccredited      int64       `dynamo:"nonaccredited_investors"`
}

func (a *aggregateItem) model() model.Aggregate {
	return model.Aggregate{
		Offering:  a.Offering,
		Committed: model.Totals{Amount: a.CommittedAmount, Count: a.CommittedCount, InvestorCount: a.CommittedInvestors},
		Received:  model.Totals{Amount: a.ReceivedAmount, Count: a.ReceivedCount, InvestorCount: a.ReceivedInvestors},
		Invested:  model.Totals{Amount: a.InvestedAmount, Count: a.InvestedCount, InvestorCount: a.InvestedInvestors},

		NonAccredited: a.NonAccredited,
	}
}

// holdingItem is the investor-in-offering link item with the investor's
// counters in that offering: how many of its investments are in each
// summary bucket (the investor counts once while the count is above 0),
// what it committed, and whether it is non-accredited.
type holdingItem struct {
	PK              string      `dynamo:"PK"`
	SK              string      `dynamo:"SK"`
	ID              int64       `dynamo:"id"`
	Committed       int64       `dynamo:"committed"`
	Received        int64       `dynamo:"received"`
	Invested        int64       `dynamo:"invested"`
	CommittedAmount model.Money `dynamo:"committed_amount"`
	// CommittedPrice is the price (securities sold, no fees) of the
	// investor's committed investments in the offering: what the offering's
	// max_investment_amount per investor and Reg A Tier 2's limit count.
	// Nil on items written before it existed (see committedPrice).
	CommittedPrice *model.Money `dynamo:"committed_price"`
	NonAccredited  bool         `dynamo:"non_accredited"`
	V              int64        `dynamo:"v"`
}

func (h *holdingItem) count(b int) int64 {
	return [3]int64{h.Committed, h.Received, h.Invested}[b]
}

// delta is what one write changes in an offering's totals.
// addBuckets adds an investment write's change of amount, count and
// distinct investors per bucket to an aggregate item's update (the
// offering's, an issuer's or the workspace's), and reports whether there
// was anything to add.
func addBuckets(au *dynamo.Update, d *delta, investors [3]int64) bool {
	changed := false
	for i, n := range bucketNames {
		if !d.amount[i].IsZero() {
			au.Add(n+"_amount", model.Money{Decimal: d.amount[i]})
			changed = true
		}
		if d.count[i] != 0 {
			au.Add(n+"_count", d.count[i])
			changed = true
		}
		if investors[i] != 0 {
			au.Add(n+"_investors", investors[i])
			changed = true
		}
	}
	return changed
}

type delta struct {
	amount   [3]decimal.Decimal
	count    [3]int64
	holding  [3]int64 // the investor's counters
	commit   decimal.Decimal
	price    decimal.Decimal // the committed price's change (holding's committed_price)
	invCount [3]int64        // distinct investors
	nonAcc   int64
}

func (d delta) isZero() bool {
	for i := 0; i < 3; i++ {
		if !d.amount[i].IsZero() || d.count[i] != 0 || d.holding[i] != 0 || d.invCount[i] != 0 {
			return false
		}
	}
	return d.commit.IsZero() && d.price.IsZero() && d.nonAcc == 0
}

func bucketsOf(inv *model.Investment) [3]bool {
	if inv == nil {
		return [3]bool{}
	}
	return model.Buckets(inv)
}

func computeDelta(before, after *model.Investment, h *holdingItem, nonAccredited bool) delta {
	var d delta
	b, a := bucketsOf(before), bucketsOf(after)
	for i := 0; i < 3; i++ {
		if b[i] {
			d.amount[i] = d.amount[i].Sub(before.Amount.Decimal)
			d.count[i]--
		}
		if a[i] {
			d.amount[i] = d.amount[i].Add(after.Amount.Decimal)
			d.count[i]++
		}
		d.holding[i] = d.count[i]
		old := h.count(i)
		now := old + d.count[i]
		switch {
		case old <= 0 && now > 0:
			d.invCount[i] = 1
		case old > 0 && now <= 0:
			d.invCount[i] = -1
		}
	}
	d.commit = d.amount[0]
	if b[0] {
		d.price = d.price.Sub(before.Price.Decimal)
	}
	if a[0] {
		d.price = d.price.Add(after.Price.Decimal)
	}
	// The investor counts among the non-accredited purchasers (506(b))
	// while it holds committed investments and one of its sales was made
	// to it as non-accredited: status at each sale, not at its first. So
	// an investor who bought as accredited and buys again as
	// non-accredited starts counting now, though it was already a
	// purchaser.
	was := h.Committed > 0 && h.NonAccredited
	is := h.Committed+d.count[0] > 0 && (h.NonAccredited || nonAccredited)
	switch {
	case is && !was:
		d.nonAcc = 1
	case was && !is:
		d.nonAcc = -1
	}
	return d
}

// holding reads the investor's counters in the offering (zero if none).
func (db InvestingStore) holding(ctx context.Context, ws string, offering, investor int64) (*holdingItem, error) {
	var h holdingItem
	err := db.table.Get(AttrPK, investorsOfOfferingPK(ws, offering)).Range(AttrSK, dynamo.Equal, padID(investor)).Consistent(true).One(ctx, &h)
	if errors.Is(err, dynamo.ErrNotFound) {
		return &holdingItem{PK: investorsOfOfferingPK(ws, offering), SK: padID(investor), ID: investor, CommittedPrice: &model.Money{}}, nil
	}
	if err == nil && h.CommittedPrice == nil {
		// Written before committed_price existed: count it once from the
		// investments (GSI2); the next write of the holding stores it.
		p, err := db.SoldInOffering(ctx, ws, offering, investor)
		if err != nil {
			return nil, err
		}
		h.CommittedPrice = &p
	}
	return &h, err
}

// Holding is what the sale rules read of an investor record's counters
// in one offering: the committed price (the per-investor maximum and Reg A
// Tier 2's limit count it), whether it already counts among 506(b)'s
// non-accredited purchasers (computeDelta's rule), and the version both
// were read at. InvestmentCreate.Held carries it back to the write, which
// is conditioned on that version: everything the rules read of the holding
// is then guarded by one condition, not by re-reading it.
type Holding struct {
	CommittedPrice       model.Money
	CountedNonAccredited bool
	Version              int64
}

// Holding reads the investor's holding in the offering for the sale rules
// (one consistent GetItem; zero when the investor holds nothing there).
func (db InvestingStore) Holding(ctx context.Context, ws string, offering, investor int64) (Holding, error) {
	h, err := db.holding(ctx, ws, offering, investor)
	if err != nil {
		return Holding{}, err
	}
	return Holding{CommittedPrice: *h.CommittedPrice, CountedNonAccredited: h.Committed > 0 && h.NonAccredited, Version: h.V}, nil
}

// addTotals adds the delta's updates of the holding and aggregate items to
// the transaction. limit, when set, is the most the committed total may be
// before this write (the maximum amount raised less the investment).
func (db InvestingStore) addTotals(t *txn, ws string, offering, investor int64, h *holdingItem, d delta, nonAccredited bool, limit *decimal.Decimal, maxNonAcc int) {
	hu := db.table.Update(AttrPK, investorsOfOfferingPK(ws, offering)).Range(AttrSK, padID(investor)).
		Set("id", investor).Add(attrHoldingV, 1)
	for i, n := range bucketNames {
		if d.holding[i] != 0 {
			hu.Add(n, d.holding[i])
		}
	}
	if !d.commit.IsZero() {
		hu.Add("committed_amount", model.Money{Decimal: d.commit})
	}
	// Set, not added: the update is conditioned on the version read, so
	// the value read is exact, and an item written before committed_price
	// existed gets it here (committedPrice computed it).
	if !d.price.IsZero() || h.CommittedPrice == nil {
		base := decimal.Zero
		if h.CommittedPrice != nil {
			base = h.CommittedPrice.Decimal
		}
		hu.Set("committed_price", model.Money{Decimal: base.Add(d.price)})
	}
	if nonAccredited && !h.NonAccredited {
		hu.Set("non_accredited", true)
	}
	if h.V == 0 {
		hu.If("attribute_not_exists(v)")
	} else {
		hu.If("v = ?", h.V)
	}
	t.update(tagStale, hu)

	au := db.table.Update(AttrPK, aggregatePK(ws)).Range(AttrSK, padID(offering)).Set("offering", offering)
	changed := addBuckets(au, &d, d.invCount)
	if d.nonAcc != 0 {
		au.Add(attrNonAccredited, d.nonAcc)
		changed = true
	}
	tag := tagNone
	switch {
	case limit != nil:
		tag = tagMax
		au.If("attribute_not_exists(committed_amount) OR committed_amount <= ?", model.Money{Decimal: *limit})
		if d.nonAcc > 0 && maxNonAcc > 0 {
			au.If("attribute_not_exists($) OR $ < ?", attrNonAccredited, attrNonAccredited, maxNonAcc)
		}
	case d.nonAcc > 0 && maxNonAcc > 0:
		tag = tagNonAcc
		au.If("attribute_not_exists($) OR $ < ?", attrNonAccredited, attrNonAccredited, maxNonAcc)
	}
	if changed || limit != nil {
		t.update(tag, au)
	}
}
