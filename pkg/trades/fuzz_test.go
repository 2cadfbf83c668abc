package trades

import (
	"testing"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/httpapi/httpapitest"
)

// FuzzTradesBody feeds POST /api/v1/ibkr/trades/ bodies (a JSON array of
// trades) through Parse: no panic; a refusal is a DRF error body (a list
// of per-item errors, or an object) that renders as 400; accepted trades
// hold clean strings and a trade_id each.
func FuzzTradesBody(f *testing.F) {
	for _, s := range []string{
		`[{"trade_id":"T-1","symbol":"MSFT","side":"BUY","qty":1,"trade_price":400}]`,
		`[{"trade_id":"T-2","symbol":"X","side":"SELL","qty":"1e309","trade_price":-0,"trade_date":"2026-01-01T00:00:00Z"}]`,
		`{"trade_id": "T-3"}`, `[1, "x", null, []]`, `[]`,
		`[{"trade_id":"T\u0000","symbol":"A","side":"B","qty":1,"trade_price":1}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if err := httpapi.CheckUTF8(body); err != nil {
			httpapitest.Refused(t, err) // the handler's check before Parse
			return
		}
		trades, errs := Parse(body)
		if errs != nil {
			httpapitest.Refused(t, &apierr.Error{Kind: apierr.Invalid, Body: errs})
			return
		}
		for _, tr := range trades {
			if tr.TradeID == "" {
				t.Fatalf("accepted a trade without trade_id: %+v", tr)
			}
			httpapitest.CleanStrings(t, tr)
		}
	})
}
