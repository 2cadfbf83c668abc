package users

import (
	"bytes"
	"net/http/httptest"
	"testing"
	"unicode/utf8"

	"github.com/tranche-dev/tranche/pkg/httpapi/httpapitest"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// FuzzSeed001Bodies feeds the seed 001 bodies of the users and
// invitations functions through what their handlers run: readInvite (POST
// /api/invitations/ and /api/invitations/internal/), readLoginToken and
// readExchange (the login-token routes), profileForm (PATCH
// /api/users/{id}/profile/ and /api/users/me/). (POST
// /api/invitations/{id}/resend/ reads no body.) No panic, every refusal a
// DRF-shaped 4xx, and what is accepted is clean and within its limits.
func FuzzSeed001Bodies(f *testing.F) {
	for _, s := range []string{
		`{"email": "new@example.com", "type": "investor", "first_name": "Ada", "last_name": ""}`,
		`{"email": "admin@example.com", "auth_group": 2, "first_name": null}`,
		`{"email": "x@y", "type": "internal", "auth_group": "1"}`,
		`{"email": 5, "auth_group": 99, "type": ["user"]}`,
		`{"user": 3, "group": 1}`, `{"user": "0", "group": 1.0}`, `{"user": 1e30, "group": -1}`,
		`{"token": "tlt_abc"}`, `{"token": ""}`, `{"token": 1}`,
		`{"first_name": "Ada", "last_name": "Lovelace"}`, `{"first_name": null, "last_name": 12}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, internal := range []bool{false, true} {
			in, err := readInvite(httptest.NewRecorder(), httptest.NewRequest("POST", "/", bytes.NewReader(body)), internal)
			if err != nil {
				httpapitest.Refused(t, err)
				continue
			}
			httpapitest.CleanStrings(t, in)
			if !model.ValidEmail(in.Email) || utf8.RuneCountInString(in.Email) > 254 ||
				utf8.RuneCountInString(in.FirstName) > 150 || utf8.RuneCountInString(in.LastName) > 150 {
				t.Fatalf("accepted invitation %+v", in)
			}
			switch {
			case internal && (in.Type != TypeInternal || in.Group.Name == "" || in.Group.Name == store.RoleOwner):
				t.Fatalf("accepted internal invitation %+v", in)
			case !internal && !model.HasChoice(invitable, in.Type):
				t.Fatalf("accepted invitation type %q", in.Type)
			}
		}
		first, last, err := profileForm(httptest.NewRecorder(), httptest.NewRequest("PATCH", "/", bytes.NewReader(body)))
		if err != nil {
			httpapitest.Refused(t, err)
		} else {
			for _, s := range []*string{first, last} {
				if s != nil {
					httpapitest.CleanString(t, "name", *s)
					if utf8.RuneCountInString(*s) > 150 {
						t.Fatalf("accepted a name of %d characters", utf8.RuneCountInString(*s))
					}
				}
			}
		}
		raw, err := httpapitest.Decode(body)
		if err != nil {
			httpapitest.Refused(t, err)
			return
		}
		if user, group, err := readLoginToken(raw); err != nil {
			httpapitest.Refused(t, err)
		} else if user < 1 || group < 1 {
			t.Fatalf("accepted user %d, group %d", user, group)
		}
		if secret, err := readExchange(raw); err != nil {
			httpapitest.Refused(t, err)
		} else {
			httpapitest.CleanString(t, "token", secret)
			if secret == "" || utf8.RuneCountInString(secret) > 100 {
				t.Fatalf("accepted token %q", secret)
			}
		}
	})
}
