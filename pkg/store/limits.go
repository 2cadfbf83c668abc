package store

import (
	"context"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranche-dev/tranche/pkg/model"
)

// The investor limits' own sums. They add each committed investment's
// price, the securities sold, and leave out the fees an investor pays on
// top (administrative and payment processing fees): 227.100(a)(2) and
// 230.251(d)(2)(i)(C) limit what is paid for the securities, so counting
// the fees refused investors the rules allow. The running totals
// (committed_amount and the aggregates) keep amounts with fees: they are
// the money the issuer takes in.

// investmentsOfInvestor lists every investment of an investor (GSI2).
func (db *DB) investmentsOfInvestor(ctx context.Context, ws string, investor int64) ([]investmentItem, error) {
	var items []investmentItem
	err := db.table.Get("GSI2PK", investmentsOfInvestorPK(ws, investor)).Index("GSI2").All(ctx, &items)
	return items, err
}

// RegCFSoldSince sums the price of the investor's committed investments in
// Reg CF offerings of the workspace created at or after since: what the
// investor bought in Reg CF on this platform in the rolling 12 months of
// 227.100(a)(2). Reads GSI2 and the offerings it names.
func (db *DB) RegCFSoldSince(ctx context.Context, ws string, investor int64, since time.Time) (model.Money, error) {
	items, err := db.investmentsOfInvestor(ctx, ws, investor)
	if err != nil {
		return model.Money{}, err
	}
	var ids []int64
	for _, it := range items {
		ids = append(ids, it.Offering)
	}
	offs, err := batchGet[offeringItem](ctx, db, offeringPK(ws), ids)
	if err != nil {
		return model.Money{}, err
	}
	cf := map[int64]bool{}
	for _, o := range offs {
		cf[o.ID] = o.Type == model.TypeRegCF
	}
	sum := decimal.Zero
	for _, it := range items {
		if cf[it.Offering] && model.IsCommitted(it.Status) && !it.CreatedAt.Before(since) {
			sum = sum.Add(it.Price.Decimal)
		}
	}
	return model.Money{Decimal: sum}, nil
}

// SoldInOffering sums the price of the investor's committed investments in
// the offering: what the Reg A Tier 2 limit (230.251(d)(2)(i)(C)) counts
// as already bought. Reads GSI2.
func (db *DB) SoldInOffering(ctx context.Context, ws string, offering, investor int64) (model.Money, error) {
	items, err := db.investmentsOfInvestor(ctx, ws, investor)
	if err != nil {
		return model.Money{}, err
	}
	sum := decimal.Zero
	for _, it := range items {
		if it.Offering == offering && model.IsCommitted(it.Status) {
			sum = sum.Add(it.Price.Decimal)
		}
	}
	return model.Money{Decimal: sum}, nil
}
