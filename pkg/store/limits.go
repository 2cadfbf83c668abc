package store

import (
	"context"

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
func (db InvestingStore) investmentsOfInvestor(ctx context.Context, ws string, investor int64) ([]investmentItem, error) {
	var items []investmentItem
	err := db.table.Get("GSI2PK", investmentsOfInvestorPK(ws, investor)).Index("GSI2").All(ctx, &items)
	return items, err
}

// SoldInOffering sums the price of the investor's committed investments in
// the offering: what the Reg A Tier 2 limit (230.251(d)(2)(i)(C)) counts
// as already bought. Reads GSI2.
func (db InvestingStore) SoldInOffering(ctx context.Context, ws string, offering, investor int64) (model.Money, error) {
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
