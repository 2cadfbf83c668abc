package users

import (
	"bytes"
	"net/http/httptest"
	"testing"
	"unicode/utf8"

	"github.com/tranche-dev/tranche/pkg/httpapi/httpapitest"
	"github.com/tranche-dev/tranche/pkg/model"
)

// FuzzUserBody feeds the user bodies (POST and PATCH /api/users/) through
// userForm: no panic, every refusal a 4xx, and an accepted e-mail is a
// valid, clean address within 255 characters and a password within
// bcrypt's 72 bytes.
func FuzzUserBody(f *testing.F) {
	for _, s := range []string{
		`{"email": "name@gmail.com", "password": "text"}`,
		`{"email": "a@b", "password": 1}`,
		`{"email": null, "password": ""}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, partial := range []bool{false, true} {
			email, password, err := userForm(httptest.NewRecorder(), httptest.NewRequest("POST", "/api/users/", bytes.NewReader(body)), partial)
			if err != nil {
				httpapitest.Refused(t, err)
				continue
			}
			if email != nil {
				httpapitest.CleanString(t, "email", *email)
				if !model.ValidEmail(*email) || utf8.RuneCountInString(*email) > 255 {
					t.Fatalf("accepted e-mail %q", *email)
				}
			}
			if password != nil {
				httpapitest.CleanString(t, "password", *password)
				if utf8.RuneCountInString(*password) > 72 {
					t.Fatalf("accepted a password of %d characters", utf8.RuneCountInString(*password))
				}
			}
		}
	})
}
