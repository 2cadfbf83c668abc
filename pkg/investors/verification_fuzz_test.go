package investors

import (
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tranche-dev/tranche/pkg/httpapi/httpapitest"
	"github.com/tranche-dev/tranche/pkg/model"
)

// FuzzVerificationBody feeds PUT /api/investors/{id}/accreditation/
// bodies through readVerification: no panic, every refusal a DRF-shaped
// 4xx, and an accepted verification has a method, a clean verifier within
// 255 characters, verified_on not after today and expires_on between
// verified_on and the method's limit, each formatting back to itself.
func FuzzVerificationBody(f *testing.F) {
	for _, s := range []string{
		`{"method": "income", "verifier": "CPA LLP", "verified_on": "2026-11-01"}`,
		`{"method": "prior_verification", "verifier": "x", "verified_on": "2021-12-01", "expires_on": "2026-12-01"}`,
		`{"method": "net_worth", "verifier": "y", "verified_on": "2026-11-30", "expires_on": null}`,
		`{"method": "third_party_letter", "verifier": "z", "verified_on": "2026-12-02", "expires_on": "2026-01-01"}`,
		`{"method": "guess", "verifier": "", "verified_on": "2026-02-30", "expires_on": 1}`,
		`{"method": null, "verifier": 5, "verified_on": "0000-01-01"}`,
	} {
		f.Add([]byte(s))
	}
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		raw, err := httpapitest.Decode(body)
		if err != nil {
			httpapitest.Refused(t, err)
			return
		}
		v, err := readVerification(raw, now)
		if err != nil {
			httpapitest.Refused(t, err)
			return
		}
		httpapitest.CleanStrings(t, v)
		if !model.HasChoice(model.VerificationMethods, v.Method) || v.Verifier == "" || utf8.RuneCountInString(v.Verifier) > 255 {
			t.Fatalf("accepted %+v", v)
		}
		limit := model.VerificationLimit(v.Method, v.VerifiedOn)
		if v.VerifiedOn.After(model.DateOf(now).Time) || v.ExpiresOn.Before(v.VerifiedOn.Time) || v.ExpiresOn.After(limit.Time) {
			t.Fatalf("accepted verified_on %s, expires_on %s (limit %s)", v.VerifiedOn, v.ExpiresOn, limit)
		}
		for _, d := range []model.Date{v.VerifiedOn, v.ExpiresOn} {
			if again, err := model.ParseDate(d.String()); err != nil || !again.Equal(d.Time) {
				t.Fatalf("date %v formats as %q", d, d.String())
			}
		}
	})
}
