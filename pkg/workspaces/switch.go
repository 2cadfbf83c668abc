package workspaces

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/shopspring/decimal"

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
		id, err := switchTarget(body)
		if err != nil {
			return err
		}
		wsItem, err := ids.SwitchWorkspace(r.Context(), p.UserID, store.WorkspaceID(id), auth.TokenClaims(r).OrgID)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, SwitchResult{Message: "Switched to workspace " + wsItem.Name + "."})
	}
}

// switchTarget reads the workspace number of a switch body: company_id,
// an integer as a JSON number or a string.
func switchTarget(body SwitchRequest) (int64, error) {
	if len(body.CompanyID) == 0 || string(body.CompanyID) == "null" {
		return 0, apierr.Field("company_id", "This field is required.")
	}
	// Numbers are read as their text, not as a float64, which rounded
	// 9007199254740993 to another workspace's number (FuzzSwitchBody's
	// exactness property); 2.0 and 1e2 are still the integers they name.
	var raw any
	dec := json.NewDecoder(bytes.NewReader(body.CompanyID))
	dec.UseNumber()
	_ = dec.Decode(&raw)
	var id int64
	switch v := raw.(type) {
	case json.Number:
		n, err := strconv.ParseInt(v.String(), 10, 64)
		if err != nil {
			d, derr := decimal.NewFromString(v.String())
			if derr != nil || !d.Equal(d.Truncate(0)) || !d.Abs().LessThan(decimal.New(1, 18)) {
				return 0, apierr.Field("company_id", "A valid integer is required.")
			}
			n = d.IntPart()
		}
		id = n
	case string:
		var err error
		if id, err = strconv.ParseInt(v, 10, 64); err != nil {
			return 0, apierr.Field("company_id", "A valid integer is required.")
		}
	default:
		return 0, apierr.Field("company_id", "A valid integer is required.")
	}
	return id, nil
}
