package trades_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/tranche-dev/tranche/pkg/trades"
)

func TestParse(t *testing.T) {
	good := `{"trade_id":"T1","symbol":"AAPL","side":"BUY","qty":10,"trade_price":"189.125"}`
	cases := []struct {
		name, body, want string
	}{
		{"object", `{"trade_id":"T1"}`, `{"non_field_errors":["Expected a list of items but got type \"dict\"."]}`},
		{"string", `"x"`, `{"non_field_errors":["Expected a list of items but got type \"str\"."]}`},
		{"empty body", ``, `{"non_field_errors":["Expected a list of items but got type \"NoneType\"."]}`},
		{"empty list", `[]`, `{"non_field_errors":["This list may not be empty."]}`},
		{"too many", "[" + strings.TrimSuffix(strings.Repeat("{},", trades.MaxItems+1), ",") + "]", fmt.Sprintf(`{"non_field_errors":["Ensure this field has no more than %d elements."]}`, trades.MaxItems)},
		{"bad item among good", "[" + good + `,{"symbol":"","side":"SELL","qty":"ten","trade_price":1.123456789,"open_time":"yesterday","close_price":null}` + `,3]`,
			`[{},{"open_time":["Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."],"qty":["A valid number is required."],"symbol":["This field may not be blank."],"trade_id":["This field is required."],"trade_price":["Ensure that there are no more than 8 decimal places."]},{"non_field_errors":["Invalid data. Expected a dictionary, but got int."]}]`},
		{"duplicate trade_id", "[" + good + "," + good + "]", `[{},{"trade_id":["Duplicate trade_id: the same as item 0."]}]`},
		{"nulls", `[{"trade_id":"T1","symbol":"A","side":"B","qty":null,"trade_price":1,"commission_fee":null}]`, `[{"commission_fee":["This field may not be null."],"qty":["This field may not be null."]}]`},
		{"too long", `[{"trade_id":"` + strings.Repeat("t", 129) + `","symbol":"A","side":"B","qty":1,"trade_price":1}]`, `[{"trade_id":["Ensure this field has no more than 128 characters."]}]`},
		// Parse reads the body itself (a list, not Decode's object): a NUL
		// was stored as sent (issue 11, found by FuzzTradesBody).
		{"NUL", `[{"trade_id":"T\u0000","symbol":"A","side":"B","qty":1,"trade_price":1}]`, `[{"trade_id":["Null characters are not allowed."]}]`},
		{"too many digits", `[{"trade_id":"T","symbol":"A","side":"B","qty":123456789012345678901,"trade_price":1e3}]`, `[{"qty":["Ensure that there are no more than 20 digits in total."],"trade_price":["A valid number is required."]}]`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ts, bad := trades.Parse([]byte(c.body))
			if bad == nil {
				t.Fatalf("accepted: %+v", ts)
			}
			got, _ := json.Marshal(bad)
			if string(got) != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}

	ts, bad := trades.Parse([]byte(`[` + good + `,{"trade_id":" T2 ","symbol":"EUR.USD","side":"SELL","type":"FX","qty":"-25000.5","trade_price":1.08345678,"close_price":"1.1","commission_fee":2.5,"open_time":"2026-03-01T09:30:00-05:00","close_time":"2026-03-01 16:00","duration":"6h30m","order_id":"O-9","client_account_id":"U123","account_alias":"main","id":99,"user":"someone-else","version":7}]`))
	if bad != nil {
		t.Fatalf("rejected: %v", bad)
	}
	b := ts[1]
	if b.TradeID != "T2" || b.Qty.String() != "-25000.50" || b.Qty.Decimal.String() != "-25000.5" || b.TradePrice.Decimal.String() != "1.08345678" ||
		b.ClosePrice.Decimal.String() != "1.1" || b.CommissionFee.Decimal.String() != "2.5" || b.OpenTime.String() != "2026-03-01T14:30:00Z" ||
		b.CloseTime.String() != "2026-03-01T16:00:00Z" || b.ID != 0 || b.User != "" || b.Version != 0 || b.AccountAlias != "main" {
		t.Errorf("parsed: %+v", b)
	}
	if a := ts[0]; a.CommissionFee.Decimal.String() != "0" || a.ClosePrice != nil || a.OpenTime != nil {
		t.Errorf("defaults: %+v", a)
	}
}
