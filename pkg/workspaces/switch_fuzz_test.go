package workspaces

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/httpapi/httpapitest"
)

// decodeInto decodes body into v as the handlers do.
func decodeInto(body []byte, v any) error {
	return httpapi.Decode(httptest.NewRecorder(), httptest.NewRequest("POST", "/", bytes.NewReader(body)), v)
}

// FuzzSwitchBody feeds POST /api/accounts/workspaces/switch/ bodies
// through the handler's decoding and switchTarget: no panic, every
// refusal a DRF-shaped 400, and an accepted company_id is exactly the
// integer the body names (no float rounding: 9007199254740993 is not
// 9007199254740992).
func FuzzSwitchBody(f *testing.F) {
	for _, s := range []string{
		`{"company_id": 2}`, `{"company_id": "2"}`, `{"company_id": 2.0}`, `{"company_id": 1e2}`,
		`{"company_id": 2.5}`, `{"company_id": null}`, `{}`, `{"company_id": [2]}`, `{"company_id": " 2"}`,
		`{"company_id": 1e400}`, `{"company_id": 9223372036854775808}`, `{"company_id": -9223372036854775808}`,
		// Rounded to 9007199254740992 through float64 before issue 11's fuzzing.
		`{"company_id": 9007199254740993}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var in SwitchRequest
		if err := decodeInto(body, &in); err != nil {
			httpapitest.Refused(t, err)
			return
		}
		id, err := switchTarget(in)
		if err != nil {
			httpapitest.Refused(t, err)
			return
		}
		text := strings.TrimSpace(string(in.CompanyID))
		var s string
		if json.Unmarshal(in.CompanyID, &s) == nil {
			text = s
		}
		want, err := decimal.NewFromString(text)
		if err != nil || !want.Equal(decimal.NewFromInt(id)) {
			t.Fatalf("company_id %s accepted as %d", in.CompanyID, id)
		}
	})
}
