package webhooks

import (
	"encoding/json"
	"testing"

	"github.com/tranche-dev/tranche/pkg/httpapi/httpapitest"
)

// FuzzClerkEvent feeds verified Clerk event bodies through the payload
// decoders (every event type of parsers): no panic, and a refusal is an
// error that renders as a 4xx, so that Svix stops retrying a delivery
// that can never apply rather than retrying a 500 forever.
func FuzzClerkEvent(f *testing.F) {
	for _, s := range []string{
		`{"type":"user.created","data":{"id":"user_1","first_name":"A","email_addresses":[{"id":"idn_1","email_address":"a@example.com","verification":{"status":"verified"}}],"primary_email_address_id":"idn_1","public_metadata":{},"updated_at":1}}`,
		`{"type":"user.deleted","data":{"id":"user_1","deleted":true}}`,
		`{"type":"organization.created","data":{"id":"org_1","name":"Acme","slug":"acme","public_metadata":{"type":"x"}}}`,
		`{"type":"organizationMembership.created","data":{"id":"orgmem_1","role":"org:admin","organization":{"id":"org_1"},"public_user_data":{"user_id":"user_1"}}}`,
		`{"type":"organization.deleted","data":{"id":""}}`,
	} {
		f.Add([]byte(s))
	}
	h := &handler{}
	f.Fuzz(func(t *testing.T, body []byte) {
		var ev event
		if json.Unmarshal(body, &ev) != nil || ev.Type == "" || len(ev.Data) == 0 {
			return // the handler's 400 "Invalid event body."
		}
		parse, ok := parsers[ev.Type]
		if !ok {
			return
		}
		apply, err := parse(h, ev.Data)
		if err != nil {
			httpapitest.Refused(t, err)
			return
		}
		if apply == nil {
			t.Fatalf("%s: accepted without an applier", ev.Type)
		}
	})
}
