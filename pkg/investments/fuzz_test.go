package investments

import (
	"bytes"
	"net/http/httptest"
	"testing"

	"github.com/tranche-dev/tranche/pkg/httpapi/httpapitest"
	"github.com/tranche-dev/tranche/pkg/model"
)

// FuzzInvestmentBody feeds the investment bodies through their decoders:
// POST /api/investments/ (readCreate, which decodes the request itself)
// and PATCH /api/investments/{id}/ (payment and signing details, the
// watchlist). No panic, every refusal a 4xx, accepted strings clean.
func FuzzInvestmentBody(f *testing.F) {
	for _, s := range []string{
		`{"offering": 1, "investor": 2, "amount": "1000.00", "requested_payment_method": "wire"}`,
		`{"offering": 1, "investor": 2, "quantity": 10, "price_payment_processing_fees": "1e309", "has_investor_signed": true}`,
		`{"watchlistentity_set": [{"id": 1, "has_hits": false, "watchlist_hits": {"a": [1]}, "ofac_fincen_status": "clear"}]}`,
		`{"watchlistentity_set": [{}, 1, "x"], "amount": -0}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := readCreate(httptest.NewRecorder(), httptest.NewRequest("POST", "/api/investments/", bytes.NewReader(body)))
		if err != nil {
			httpapitest.Refused(t, err)
		} else {
			if c.offering < 1 || c.investor < 1 || (c.quantity == nil && c.amount == nil) {
				t.Fatalf("accepted a create without offering, investor, quantity or amount: %+v", c)
			}
			if c.amount != nil && c.amount.IsNegative() {
				t.Fatalf("accepted a negative amount %s", c.amount)
			}
			var inv model.Investment
			c.details.apply(&inv)
			httpapitest.CleanStrings(t, inv)
		}
		raw, err := httpapitest.Decode(body)
		if err != nil {
			return // readCreate refused it above
		}
		form := model.NewForm(raw, true)
		d := readDetails(form)
		items, _ := readWatchlist(form)
		if len(form.Errors) > 0 {
			return
		}
		var inv model.Investment
		d.apply(&inv)
		httpapitest.CleanStrings(t, inv)
		for _, it := range items {
			for _, s := range []*string{it.status, it.prov} {
				if s != nil {
					httpapitest.CleanString(t, "watchlistentity_set", *s)
				}
			}
		}
	})
}
