package investors

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// now is the clock of the verification handlers (a variable for tests).
var now = time.Now

func accreditationOf(inv *model.Investor, ent, ind *model.Entity, t time.Time) model.AccreditationView {
	e := ent
	if e == nil {
		e = ind
	}
	a := model.AccreditationView{Investor: inv.ID, Status: model.VerificationStatus(inv.AccreditationVerification, t), Verification: inv.AccreditationVerification}
	if e != nil {
		a.AccreditedInvestor = e.AccreditedInvestor
	}
	return a
}

// mayVerify says who may record a verification: a write API key of the
// whole workspace, or a session user who is OWNER or ADMIN of it. A
// verification is relied on by every issuer of the workspace that sells
// to the investor, so a key scoped to one issuer or one offering may read
// it but not write it, and a MEMBER may not either.
func mayVerify(p *auth.Principal) bool {
	if p.IsKey() {
		return p.Write && p.Scope == auth.ScopeWorkspace
	}
	return p.UserID != "" && (p.Role == "OWNER" || p.Role == "ADMIN")
}

func handleAccreditation(db *store.DB) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		id, err := httpapi.PathID(r, "id")
		if err != nil {
			return err
		}
		if ok, err := Visible(r.Context(), db, p, id); err != nil {
			return err
		} else if !ok {
			return apierr.NotFoundError()
		}
		inv, ent, ind, err := db.InvestorForWrite(r.Context(), p.Workspace, id)
		if err != nil { // a missing investor is WriteError's 404
			return err
		}
		return httpapi.JSON(w, http.StatusOK, accreditationOf(inv, ent, ind, now()))
	}
}

// readVerification reads PUT's body: method, verifier, verified_on (not
// after today) and expires_on (after verified_on and within the method's
// life; by default the end of it).
func readVerification(raw map[string]json.RawMessage, t time.Time) (*model.AccreditationVerification, error) {
	f := model.NewForm(raw, false)
	v := &model.AccreditationVerification{}
	if m, _ := f.String("method", model.Str{Required: true, Choices: model.VerificationMethods}); m != nil {
		v.Method = *m
	}
	if s, _ := f.String("verifier", model.Str{Required: true, MaxLen: 255}); s != nil {
		v.Verifier = *s
	}
	today := model.DateOf(t)
	if d, _ := f.Date("verified_on", true, false); d != nil {
		if d.After(today.Time) {
			f.Errors.Add("verified_on", fmt.Sprintf("A verification cannot be dated after today, %s.", today))
		}
		v.VerifiedOn = *d
	}
	exp, expSet := f.Date("expires_on", false, true)
	if err := apierr.Fields(f.Errors); err != nil {
		return nil, err
	}
	limit := model.VerificationLimit(v.Method, v.VerifiedOn)
	v.ExpiresOn = limit
	if expSet && exp != nil {
		switch {
		case exp.Before(v.VerifiedOn.Time):
			f.Errors.Add("expires_on", "Ensure expires_on is not before verified_on.")
		case exp.After(limit.Time):
			y, m := model.VerificationLife(v.Method)
			life := fmt.Sprintf("%d months", m)
			if y > 0 {
				life = fmt.Sprintf("%d years", y)
				if y == 1 {
					life = "1 year"
				}
			}
			f.Errors.Add("expires_on", fmt.Sprintf("A %s verification may be relied on for at most %s (17 CFR 230.506(c)(2)(ii)): expires_on may be %s at the latest.", v.Method, life, limit))
		default:
			v.ExpiresOn = *exp
		}
	}
	if err := apierr.Fields(f.Errors); err != nil {
		return nil, err
	}
	return v, nil
}

// handleVerify records (replaces) the investor's accreditation
// verification (Service.Verify). Who may is checked before the body is
// read.
func handleVerify(svc *Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		if !mayVerify(p) {
			return apierr.Forbid()
		}
		id, err := httpapi.PathID(r, "id")
		if err != nil {
			return err
		}
		var raw map[string]json.RawMessage
		if err := httpapi.Decode(w, r, &raw); err != nil {
			return err
		}
		t := now()
		v, err := readVerification(raw, t)
		if err != nil {
			return err
		}
		out, err := svc.Verify(r.Context(), p, id, v, t)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, out)
	}
}
