package store

import (
	"testing"

	"github.com/tranche-dev/tranche/pkg/model"
)

// TestNonAccreditedDelta: 506(b) counts a purchaser by its status at each
// sale (230.506(b)(2)(i)): the offering's count of non-accredited
// purchasers moves when a holding starts or stops counting, including when
// an investor who bought as accredited buys again as non-accredited.
func TestNonAccreditedDelta(t *testing.T) {
	started := &model.Investment{Status: model.StatusStarted, Amount: model.MustMoney("100")}
	cancelled := &model.Investment{Status: model.StatusCancelled, Amount: model.MustMoney("100")}
	for _, c := range []struct {
		name          string
		committed     int64 // the holding's committed investments before
		flagged       bool  // the holding's non_accredited flag before
		before, after *model.Investment
		nonAccredited bool // this sale is to a non-accredited investor
		want          int64
	}{
		{"first sale, accredited", 0, false, nil, started, false, 0},
		{"first sale, non-accredited", 0, false, nil, started, true, 1},
		{"again, non-accredited, already counted", 1, true, nil, started, true, 0},
		{"again, accredited, counted before", 1, true, nil, started, false, 0},
		{"again, accredited, never non-accredited", 2, false, nil, started, false, 0},
		{"bought as accredited, now non-accredited", 1, false, nil, started, true, 1},
		{"bought as accredited twice, now non-accredited", 2, false, nil, started, true, 1},
		{"non-accredited holding cancels its last", 1, true, started, cancelled, true, -1},
		{"non-accredited holding cancels one of two", 2, true, started, cancelled, true, 0},
		{"accredited holding cancels its last", 1, false, started, cancelled, false, 0},
		{"flagged holding with nothing committed buys", 0, true, nil, started, false, 1},
	} {
		h := &holdingItem{Committed: c.committed, NonAccredited: c.flagged}
		// Updates pass the holding's own flag, as UpdateInvestment does.
		flag := c.nonAccredited
		if c.before != nil {
			flag = h.NonAccredited
		}
		d := computeDelta(c.before, c.after, h, flag)
		if d.nonAcc != c.want {
			t.Errorf("%s: non-accredited purchasers %+d, want %+d", c.name, d.nonAcc, c.want)
		}
	}
}
