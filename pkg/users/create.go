package users

import (
	"encoding/json"
	"net/http"

	"golang.org/x/crypto/bcrypt"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/model"
)

// passwordCost is bcrypt's work factor: slow on purpose.
const passwordCost = bcrypt.DefaultCost

// hashPassword is the stored form of a password: bcrypt, salted.
func hashPassword(pw string) (string, error) {
	if len(pw) > 72 { // bcrypt reads 72 bytes; the form caps the length
		pw = pw[:72]
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), passwordCost)
	return string(h), err
}

// userForm reads {email, password}; partial for PATCH.
func userForm(w http.ResponseWriter, r *http.Request, partial bool) (email, password *string, err error) {
	var raw map[string]json.RawMessage
	if err := httpapi.Decode(w, r, &raw); err != nil {
		return nil, nil, err
	}
	f := model.NewForm(raw, partial)
	email, _ = f.Email("email", model.Str{Required: true, MaxLen: 255})
	password, _ = f.String("password", model.Str{Required: true, MaxLen: 72})
	return email, password, apierr.Fields(f.Errors)
}

// handleCreate is seed 000's POST /api/users/: {email, password} → 201
// {id, email}. The password is write-only and stored as a bcrypt hash; a
// duplicate e-mail is DRF's unique error.
func handleCreate(s Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Writer(r)
		if err != nil {
			return err
		}
		email, password, err := userForm(w, r, false)
		if err != nil {
			return err
		}
		u, err := s.CreateIssuerUser(r.Context(), p.Workspace, *email, *password)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusCreated, model.UserRef{ID: u.ID, Email: u.Email})
	}
}
