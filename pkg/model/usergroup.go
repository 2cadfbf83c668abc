package model

// Wire types of seed 001's user groups, roles and the group-centred
// invitations (issue 12; rules in pkg/groups).

// UserGroupView is a user group as the API renders it.
type UserGroupView struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	// LeadUser is the lead's user id (GET /api/users/{id}/'s id); null
	// while the group is a shell awaiting its invitee.
	LeadUser     *int64  `json:"lead_user"`
	LeadUserUUID *string `json:"lead_user_uuid"`
	// IsShell: pre-created by a shell invitation, not yet taken over.
	IsShell bool `json:"is_shell"`
	// FeatureFlags has every flag of the registry, enabled or not.
	FeatureFlags map[string]bool `json:"feature_flags"`
	MemberCount  int64           `json:"member_count"`
	CreatedAt    Time            `json:"created_at"`
	UpdatedAt    Time            `json:"updated_at"`
}

// UserGroupMemberView is one member of a group.
type UserGroupMemberView struct {
	User        int64  `json:"user"`
	UserUUID    string `json:"user_uuid"`
	Email       string `json:"email"`
	FirstName   string `json:"first_name"`
	LastName    string `json:"last_name"`
	Role        string `json:"role"`
	IsLead      bool   `json:"is_lead"`
	IsSignatory bool   `json:"is_signatory"`
	JoinedAt    Time   `json:"joined_at"`
}

// GroupRoleView is a role a group member may hold, with the group
// permissions it grants.
type GroupRoleView struct {
	Name        string   `json:"name"`
	Label       string   `json:"label"`
	Description string   `json:"description"`
	Permissions []string `json:"permissions"`
}

// UserGroupMemberInput is one member in a create or shell request.
type UserGroupMemberInput struct {
	User int64  `json:"user"`
	Role string `json:"role,omitempty"`
}

// UserGroupCreateRequest is POST /api/user-groups/.
type UserGroupCreateRequest struct {
	Name         string                 `json:"name"`
	Description  string                 `json:"description,omitempty"`
	LeadUser     int64                  `json:"lead_user"`
	Members      []UserGroupMemberInput `json:"members,omitempty"`
	FeatureFlags map[string]bool        `json:"feature_flags,omitempty"`
}

// UserGroupUpdateRequest is PATCH /api/user-groups/{id}/ (every field
// optional; a new lead_user must be a member).
type UserGroupUpdateRequest struct {
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	LeadUser    int64  `json:"lead_user,omitempty"`
}

// UserGroupRoleRequest is PATCH /api/user-groups/{id}/role/ and, with a
// default role, POST /api/user-groups/{id}/users/.
type UserGroupRoleRequest struct {
	User int64  `json:"user"`
	Role string `json:"role"`
}

// UserGroupFlagRequest is PATCH /api/user-groups/{id}/feature-flags/.
type UserGroupFlagRequest struct {
	Flag    string `json:"flag"`
	Enabled bool   `json:"enabled"`
}

// ShellInvitationRequest is POST /api/invitations/shell/: the invitee's
// e-mail and the shell group's data.
type ShellInvitationRequest struct {
	Email        string                 `json:"email"`
	Name         string                 `json:"name"`
	Description  string                 `json:"description,omitempty"`
	Members      []UserGroupMemberInput `json:"members,omitempty"`
	FeatureFlags map[string]bool        `json:"feature_flags,omitempty"`
}

// ShellInvitationView is the answer to a shell invitation.
type ShellInvitationView struct {
	ID     string        `json:"id"`
	Email  string        `json:"email"`
	User   int64         `json:"user"`
	Status string        `json:"status"`
	Group  UserGroupView `json:"group"`
}

// SignatoryRequest is POST /api/invitations/signatory/. Group may be left
// out when the user belongs to exactly one group.
type SignatoryRequest struct {
	User        int64  `json:"user"`
	Group       *int64 `json:"group,omitempty"`
	IsSignatory *bool  `json:"is_signatory,omitempty"`
}
