package account

import (
	"encoding/json"

	"testing"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/httpapi/httpapitest"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// FuzzAccountBodies feeds each seed 003 account body (user, extension,
// profile, subscription, organisation) through its parser: no panic, every
// refusal a 4xx, and what an accepted body writes into the identity or the
// workspace holds clean strings.
func FuzzAccountBodies(f *testing.F) {
	for _, s := range []string{
		`{"first_name": "Ada", "username": "ada.l", "unsafe_metadata": {"theme": "dark"}, "subscription_level": "20"}`,
		`{"address": "1 Main St", "city": "X", "state": "NY", "country": "US", "zip_code": "10001", "birth_date": "1990-01-01"}`,
		`{"timezone": "Europe/Paris", "language": "en", "bio": "hi", "links": ["https://example.com"], "onboarding_tasks": {"a": true}}`,
		`{"org_name": "Acme", "org_slug": "acme", "org_image_url": "https://img.example.com/a.png", "org_public_metadata": {}}`,
		`{"subscription_level": 10.0, "subscription_status": "active", "subscription_end_date": "2030-01-01T00:00:00Z"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		raw, err := httpapitest.Decode(body)
		if err != nil {
			httpapitest.Refused(t, err)
			return
		}
		for _, parse := range map[string]func(map[string]json.RawMessage) (patch, model.FieldErrors){
			"user": parseUser, "extension": parseExtension, "profile": parseProfile, "subscription": parseSubscription,
		} {
			p, errs := parse(raw)
			if len(errs) > 0 {
				httpapitest.Refused(t, apierr.Fields(errs))
				continue
			}
			var id store.Identity
			if p != nil {
				p(&id)
			}
			httpapitest.CleanStrings(t, id)
		}
		p, errs := parseOrganisation(raw)
		if len(errs) > 0 {
			httpapitest.Refused(t, apierr.Fields(errs))
			return
		}
		var ws store.Workspace
		if p != nil {
			p(&ws)
		}
		httpapitest.CleanStrings(t, ws)
	})
}
