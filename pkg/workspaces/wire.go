package workspaces

import "encoding/json"

// The response and request bodies of this package's routes, exported so
// that the OpenAPI document (pkg/schema) reads their schemas from the
// types the handlers write and decode.

// WorkspaceList is the body of GET /api/accounts/workspaces/.
type WorkspaceList struct {
	Workspaces []WorkspaceItem `json:"workspaces"`
}

// SwitchResult is the body of POST /api/accounts/workspaces/switch/.
type SwitchResult struct {
	Message string `json:"message"`
}

// Exported names of the package's wire types.
type (
	WorkspaceItem    = workspaceItem
	User             = user
	Company          = companyRow
	InviteRequest    = inviteRequest
	InviteResponse   = inviteResponse
	InvitationStatus = invitationStatus
)

// SwitchRequest is the body of POST /api/accounts/workspaces/switch/:
// company_id is read raw, so that a wrong type gets DRF's message.
type SwitchRequest struct {
	CompanyID json.RawMessage `json:"company_id"`
}
