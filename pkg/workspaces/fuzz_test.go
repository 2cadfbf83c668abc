package workspaces

import (
	"bytes"
	"net/http/httptest"
	"net/mail"
	"testing"

	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/httpapi/httpapitest"
)

// FuzzInviteBody feeds POST /api/accounts/invitations/ bodies through the
// handler's decoding and validate: no panic, every refusal a 4xx, and an
// accepted body names a clean, parseable address and a group.
func FuzzInviteBody(f *testing.F) {
	for _, s := range []string{
		`{"email": "new@example.com", "auth_group": 3}`,
		`{"email": "NEW@EXAMPLE.COM", "auth_group": "2"}`,
		`{"email": "a@b", "auth_group": 1e309}`,
		`{"email": null, "auth_group": [1]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var in inviteRequest
		if err := httpapi.Decode(httptest.NewRecorder(), httptest.NewRequest("POST", "/", bytes.NewReader(body)), &in); err != nil {
			httpapitest.Refused(t, err)
			return
		}
		email, g, err := in.validate()
		if err != nil {
			httpapitest.Refused(t, err)
			return
		}
		httpapitest.CleanString(t, "email", email)
		if _, err := mail.ParseAddress(email); err != nil {
			t.Fatalf("accepted e-mail %q: %v", email, err)
		}
		if g.Name == "" {
			t.Fatalf("accepted without a group: %+v", g)
		}
	})
}
