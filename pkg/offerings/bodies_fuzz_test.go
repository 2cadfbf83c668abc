package offerings

import (
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi/httpapitest"
	"github.com/tranche-dev/tranche/pkg/model"
)

// FuzzOfferingActionBodies feeds the offering routes' other bodies
// through what their handlers run: the api-keys bodies (readMintKey,
// readRevokeKey) and Reg CF's early close and material change
// (readEarlyClose, readMaterialChange; the early close's date then
// through model.EarlyCloseAllowed on an open Reg CF offering, the rule
// the service applies to it). No panic, every refusal a DRF-shaped 4xx,
// and what is accepted is clean, within its limits, and (a date) formats
// back to what was sent.
func FuzzOfferingActionBodies(f *testing.F) {
	for _, s := range []string{
		`{"name": "CI", "write": true, "scopes": ["accounts.read", "accounts.write", "accounts.read"]}`,
		`{"name": "", "write": "yes", "scopes": ["admin"]}`, `{"name": null, "scopes": "accounts.read"}`,
		`{"key_id": "tk_0123"}`, `{"key_id": ""}`, `{"key_id": 12}`,
		`{"deadline_date": "2030-01-31"}`, `{"deadline_date": "2030-02-30"}`, `{"deadline_date": "0000-01-01"}`, `{"deadline_date": 20300131}`,
		`{"description": "The minimum investment is now $500."}`, `{"description": "   "}`, `{"description": ["x"]}`,
	} {
		f.Add([]byte(s))
	}
	min := model.MustMoney("1000.00")
	opened := model.NewTime(time.Date(2030, 1, 2, 15, 0, 0, 0, time.UTC))
	open := model.Offering{ID: 1, Type: "reg_cf", Status: "opened", MinimumAmountRaised: &min, DefaultTimezone: "America/New_York", OpenedAt: &opened}
	now := time.Date(2030, 1, 10, 15, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		raw, err := httpapitest.Decode(body)
		if err != nil {
			httpapitest.Refused(t, err)
			return
		}
		if name, _, scopes, err := readMintKey(raw); err != nil {
			httpapitest.Refused(t, err)
		} else {
			httpapitest.CleanString(t, "name", name)
			if utf8.RuneCountInString(name) > 100 || auth.CheckScopes(scopes) != nil {
				t.Fatalf("accepted name %q, scopes %q", name, scopes)
			}
		}
		if id, err := readRevokeKey(raw); err != nil {
			httpapitest.Refused(t, err)
		} else if httpapitest.CleanString(t, "key_id", id); id == "" || utf8.RuneCountInString(id) > 64 {
			t.Fatalf("accepted key_id %q", id)
		}
		if d, err := readEarlyClose(raw); err != nil {
			httpapitest.Refused(t, err)
		} else {
			if again, err := model.ParseDate(d.String()); err != nil || !again.Equal(d.Time) {
				t.Fatalf("accepted date %v formats as %q", d, d.String())
			}
			o := open
			errs, conflict := model.EarlyCloseAllowed(&o, d, model.MustMoney("1000.00"), now)
			if conflict != "" {
				t.Fatalf("an open Reg CF offering at its target: conflict %q", conflict)
			}
			if err := apierr.Fields(errs); err != nil {
				httpapitest.Refused(t, err)
			}
		}
		if desc, err := readMaterialChange(raw); err != nil {
			httpapitest.Refused(t, err)
		} else if httpapitest.CleanString(t, "description", desc); desc == "" || utf8.RuneCountInString(desc) > 2000 {
			t.Fatalf("accepted description %q", desc)
		}
	})
}
