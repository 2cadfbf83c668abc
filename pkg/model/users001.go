package model

// The seed 001 users and invitations wire types (issue 12), here so the
// OpenAPI document (pkg/schema) reads them without importing pkg/users.

// SeedUser is a seed 001 user: the workspace's user record, its stable
// UUID (UserUUID) and its derived type (internal, issuer, investor, user).
type SeedUser struct {
	ID                    int64   `json:"id"`
	UUID                  string  `json:"uuid"`
	Email                 string  `json:"email"`
	FirstName             string  `json:"first_name"`
	LastName              string  `json:"last_name"`
	Type                  string  `json:"type"`
	DateJoined            Time    `json:"date_joined"`
	LastLogin             *Time   `json:"last_login"`
	ThirdPartyIssuerEmail *string `json:"thirdpartyissueruser_email"`
}

// UserGraph is a user with their full data graph (GET
// /api/users/{id}/all/). The user groups and form implementations of
// issue 12 join it as more fields when pkg/groups and pkg/forms merge.
type UserGraph struct {
	User               SeedUser              `json:"user"`
	Membership         *UserGraphMembership  `json:"membership"`
	Investors          []UserGraphInvestor   `json:"investors"`
	Invitations        []SeedInvitation      `json:"invitations"`
	ImpersonationAudit []ImpersonationRecord `json:"impersonation_audit"`
}

// UserGraphMembership is the user's membership of the workspace team.
type UserGraphMembership struct {
	Role      string `json:"role"`
	AuthGroup int    `json:"auth_group"`
	CreatedAt Time   `json:"created_at"`
}

// UserGraphInvestor is one of the user's investors with its entities.
type UserGraphInvestor struct {
	Investor         *Investor `json:"investor"`
	Entity           *Entity   `json:"entity"`
	IndividualEntity *Entity   `json:"individual_entity"`
}

// SeedInvitation is an invitation as seed 001 shows it (a seed 004
// invitation shows as type internal with its auth group).
type SeedInvitation struct {
	ID         string `json:"id"`
	Email      string `json:"email"`
	Type       string `json:"type"`
	AuthGroup  *int   `json:"auth_group"`
	Status     string `json:"status"`
	SentCount  int    `json:"sent_count"`
	CreatedAt  Time   `json:"created_at"`
	AcceptedAt *Time  `json:"accepted_at"`
}

// ImpersonationRecord is one audit record of an impersonation token of
// the user: its mint or its use. The token itself is never shown.
type ImpersonationRecord struct {
	Action string `json:"action"`
	Actor  string `json:"actor"`
	Group  string `json:"group"`
	Detail string `json:"detail"`
	At     Time   `json:"at"`
}

// LoginToken is the answer to POST /api/invitations/login-token/: Token is
// shown once (only its SHA-256 is stored).
type LoginToken struct {
	Token     string `json:"token"`
	User      int64  `json:"user"`
	UserUUID  string `json:"user_uuid"`
	Group     int64  `json:"group"`
	ExpiresAt Time   `json:"expires_at"`
}

// LoginTokenExchange is the answer to POST
// /api/invitations/login-token/exchange/: who the holder now acts as.
type LoginTokenExchange struct {
	User           SeedUser `json:"user"`
	Workspace      string   `json:"workspace"`
	Group          int64    `json:"group"`
	ImpersonatedBy string   `json:"impersonated_by"`
}

// Request bodies (omitempty: optional).
type (
	// UserProfileRequest is PATCH /api/users/{id}/profile/ and /me/.
	UserProfileRequest struct {
		FirstName string `json:"first_name,omitempty"`
		LastName  string `json:"last_name,omitempty"`
	}
	// InviteUserRequest is POST /api/invitations/; type is investor,
	// issuer or user.
	InviteUserRequest struct {
		Email     string `json:"email"`
		Type      string `json:"type"`
		FirstName string `json:"first_name,omitempty"`
		LastName  string `json:"last_name,omitempty"`
	}
	// InviteInternalRequest is POST /api/invitations/internal/: auth_group
	// 2 (ADMIN) or 3 (MEMBER).
	InviteInternalRequest struct {
		Email     string `json:"email"`
		AuthGroup int    `json:"auth_group"`
		FirstName string `json:"first_name,omitempty"`
		LastName  string `json:"last_name,omitempty"`
	}
	// LoginTokenRequest is POST /api/invitations/login-token/.
	LoginTokenRequest struct {
		User  int64 `json:"user"`
		Group int64 `json:"group"`
	}
	// LoginTokenExchangeRequest is POST
	// /api/invitations/login-token/exchange/.
	LoginTokenExchangeRequest struct {
		Token string `json:"token"`
	}
)
