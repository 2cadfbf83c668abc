package workspaces

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/mail"
	"regexp"
	"strconv"
	"strings"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/store"
)

type inviteRequest struct {
	Email     *string         `json:"email"`
	AuthGroup json.RawMessage `json:"auth_group"`
}

type inviteResponse struct {
	ID        string `json:"id"`
	Email     string `json:"email"`
	AuthGroup int    `json:"auth_group"`
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// validate checks the body as DRF would, returning the address and group.
func (in inviteRequest) validate() (string, auth.Group, error) {
	fields := map[string][]string{}
	var email string
	switch {
	case in.Email == nil:
		fields["email"] = []string{"This field is required."}
	case strings.TrimSpace(*in.Email) == "":
		fields["email"] = []string{"This field may not be blank."}
	case len(*in.Email) > 1024:
		fields["email"] = []string{"Ensure this field has no more than 1024 characters."}
	default:
		email = strings.TrimSpace(*in.Email)
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email || !strings.Contains(email[strings.LastIndex(email, "@"):], ".") {
			fields["email"] = []string{"Enter a valid email address."}
		}
	}
	var g auth.Group
	raw := strings.TrimSpace(string(in.AuthGroup))
	if raw == "" || raw == "null" {
		fields["auth_group"] = []string{"This field is required."}
	} else {
		id, err := strconv.Atoi(strings.Trim(raw, `"`))
		if err != nil {
			fields["auth_group"] = []string{fmt.Sprintf("Incorrect type. Expected pk value, received %s.", jsonType(raw))}
		} else if grp, ok := auth.GroupByID(id); !ok {
			fields["auth_group"] = []string{fmt.Sprintf("Invalid pk \"%d\" - object does not exist.", id)}
		} else if grp.Name == store.RoleOwner {
			fields["auth_group"] = []string{"Owners cannot be invited; they are created through onboarding."}
		} else {
			g = grp
		}
	}
	return email, g, apierr.Fields(fields)
}

func jsonType(raw string) string {
	switch raw[0] {
	case '"':
		return "str"
	case '[':
		return "list"
	case '{':
		return "dict"
	case 't', 'f':
		return "bool"
	}
	return "float"
}

// handleInvite is POST /api/accounts/invitations/: invite an address into
// the active workspace with an auth group and e-mail the invitee. Only
// OWNER and ADMIN may invite ADMIN; owners cannot be invited; a second
// pending invitation of the same address is a 400.
func handleInvite(svc *Invitations) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		if err := p.Require("add_invitation"); err != nil {
			return err
		}
		var in inviteRequest
		if err := httpapi.Decode(w, r, &in); err != nil {
			return err
		}
		email, g, err := in.validate()
		if err != nil {
			return err
		}
		link := httpapi.BaseURL(r)
		link.Path, link.RawQuery = strings.TrimSuffix(link.Path, "/api/accounts/invitations/"), ""
		inv, err := svc.Invite(r.Context(), p, email, g, *link)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusCreated, inviteResponse{ID: inv.ID, Email: inv.Email, AuthGroup: inv.AuthGroup})
	}
}

type invitationStatus struct {
	ID             string   `json:"id"`
	Email          string   `json:"email"`
	Company        *company `json:"company"`
	AuthGroupID    string   `json:"auth_group_id"`
	IsExistingUser bool     `json:"is_existing_user"`
	IsActive       string   `json:"is_active"`
	IsMFAEnabled   string   `json:"is_mfa_enabled"`
}

// handleInvitation is GET /api/accounts/invitations/{id}/: an invitation of
// the active workspace (404 for any other workspace's).
func handleInvitation(svc *Invitations) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		if err := p.Require("view_invitation"); err != nil {
			return err
		}
		id := r.PathValue("id")
		if !uuidRE.MatchString(id) {
			return apierr.NotFoundError()
		}
		st, err := svc.Status(r.Context(), p, strings.ToLower(id))
		if err != nil {
			return err
		}
		inv, ws := st.Invitation, st.Workspace
		return httpapi.JSON(w, http.StatusOK, invitationStatus{
			ID: inv.ID, Email: inv.Email, Company: newCompany(ws), AuthGroupID: strconv.Itoa(inv.AuthGroup),
			IsExistingUser: st.Existing,
			IsActive:       strconv.FormatBool(inv.Status == store.InvitationPending),
			IsMFAEnabled:   strconv.FormatBool(ws.IsMFAEnabled),
		})
	}
}
