package workspaces

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/filter/py"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/identity"
	"github.com/tranche-dev/tranche/pkg/page"
	"github.com/tranche-dev/tranche/pkg/store"
)

type workspaceItem struct {
	WorkspaceName string `json:"workspace_name"`
	WorkspaceID   int64  `json:"workspace_id"`
	MemberCount   int64  `json:"member_count"`
	IsMFAEnabled  bool   `json:"is_mfa_enabled"`
}

// handleWorkspaces is GET /api/accounts/workspaces/: the caller's
// workspaces, limit/offset applied to the list.
func handleWorkspaces(db *store.DB) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		all, _, err := myWorkspaces(r.Context(), db, p.UserID)
		if err != nil {
			return err
		}
		items := []workspaceItem{}
		if q := py.ParseQuery(r.URL.RawQuery); q.Has("limit") || q.Has("offset") {
			all = page.Slice(page.Offsets.Paginate(httpapi.BaseURL(r), q, len(all)), all)
		}
		for _, ws := range all {
			items = append(items, workspaceItem{WorkspaceName: ws.Name, WorkspaceID: ws.Number, MemberCount: ws.MemberCount, IsMFAEnabled: ws.IsMFAEnabled})
		}
		return httpapi.JSON(w, http.StatusOK, WorkspaceList{Workspaces: items})
	}
}

// handleSwitch is POST /api/accounts/workspaces/switch/ {company_id}: the
// caller's active workspace becomes company_id, which must be a workspace
// the caller belongs to (403 otherwise, also for one that does not exist,
// so ids of other tenants reveal nothing: identity.Service.SwitchWorkspace).
func handleSwitch(ids *identity.Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		var body SwitchRequest
		if err := httpapi.Decode(w, r, &body); err != nil {
			return err
		}
		if len(body.CompanyID) == 0 || string(body.CompanyID) == "null" {
			return apierr.Field("company_id", "This field is required.")
		}
		var raw any
		_ = json.Unmarshal(body.CompanyID, &raw)
		var id int64
		switch v := raw.(type) {
		case float64:
			id = int64(v)
			if float64(id) != v {
				return apierr.Field("company_id", "A valid integer is required.")
			}
		case string:
			if id, err = strconv.ParseInt(v, 10, 64); err != nil {
				return apierr.Field("company_id", "A valid integer is required.")
			}
		default:
			return apierr.Field("company_id", "A valid integer is required.")
		}
		wsItem, err := ids.SwitchWorkspace(r.Context(), p.UserID, store.WorkspaceID(id), auth.TokenClaims(r).OrgID)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, SwitchResult{Message: "Switched to workspace " + wsItem.Name + "."})
	}
}
