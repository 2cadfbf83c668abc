// Package synth makes synthetic tranche-import/1 data sets of any size
// from the embedded sample, for benchmarks and for loading a local stack
// with a realistic workspace (`tranche generate`). The objects are the
// sample's, repeated under fresh ids, so every field keeps a real value
// and the import path validates them as it would a customer's file.
package synth

import (
	"fmt"

	"github.com/tranche-dev/tranche/pkg/importer"
	"github.com/tranche-dev/tranche/pkg/importer/sample"
	"github.com/tranche-dev/tranche/pkg/model"
)

// Offerings is how many offerings a data set has.
const Offerings = 50

// Data is n investments: the sample's six offerings repeated as 50 under
// new ids and slugs, n/50 investors (the sample's 40 repeated, so each
// holds about 50 investments), every investment a copy of a sample one
// with a fresh id and reference id (BENCH00000001…), spread round-robin
// over the offerings. The same n gives the same data.
func Data(n int) (*importer.Data, error) {
	d, err := importer.Parse(sample.JSON)
	if err != nil {
		return nil, err
	}
	nInv := max(len(d.Investors), n/50)
	offs := make([]model.Offering, Offerings)
	for i := range offs {
		o := d.Offerings[i%len(d.Offerings)]
		o.ID = int64(i + 1)
		o.Slug = fmt.Sprintf("%s-%d", o.Slug, i+1)
		o.Name = fmt.Sprintf("%s %d", o.Name, i+1)
		offs[i] = o
	}
	invrs := make([]model.Investor, nInv)
	for i := range invrs {
		v := d.Investors[i%len(d.Investors)]
		v.ID = int64(i + 1)
		invrs[i] = v
	}
	invs := make([]model.Investment, n)
	for i := range invs {
		v := d.Investments[i%len(d.Investments)]
		v.ID = int64(i + 1)
		v.ReferenceID = fmt.Sprintf("BENCH%08d", i+1)
		v.Offering = int64(i%Offerings + 1)
		v.Issuer = offs[v.Offering-1].Issuer
		v.Investor = int64((i/Offerings)%nInv + 1)
		wl := make([]model.Watchlist, len(v.WatchlistEntitySet))
		for j, w := range v.WatchlistEntitySet {
			w.ID = int64(i+1)*10 + int64(j)
			wl[j] = w
		}
		v.WatchlistEntitySet = wl
		invs[i] = v
	}
	d.Offerings, d.Investors, d.Investments = offs, invrs, invs
	return d, nil
}
