// Package routes is the one table of every HTTP route Tranche serves: which
// Lambda function (resource group) owns it, its method and path, and the
// authentication it requires. The CDK stack, the local gateway, the OpenAPI
// document and each group's handler all read this table; nothing else lists
// routes.
package routes

import (
	"sort"
	"strings"
)

// Auth names what a route accepts as credentials.
type Auth string

// The authentication modes of API.md.
const (
	AuthKey      Auth = "key"     // issuer API key
	AuthJWT      Auth = "jwt"     // Clerk session JWT
	AuthKeyOrJWT Auth = "key|jwt" // either
	AuthSvix     Auth = "svix"    // Svix-signed webhook
	AuthNone     Auth = "none"    // public
)

// Route is one method and path served by one function.
type Route struct {
	Function string // functions/<Function>
	Method   string
	Path     string // API Gateway form: /api/offerings/{id}/
	Auth     Auth
	Summary  string
	Seed     string // reference document, "" when Tranche's own
}

// Pattern is the route as a Go 1.22 ServeMux pattern. A path ending in "/"
// gets "{$}" so that it matches exactly, as API Gateway does.
func (r Route) Pattern() string {
	p := r.Path
	if strings.HasSuffix(p, "/") {
		p += "{$}"
	}
	return r.Method + " " + p
}

// Key is "METHOD /path" with the contract's path: the route's name in
// this table.
func (r Route) Key() string { return r.Method + " " + r.Path }

// GatewayPath is the route's path as an API Gateway HTTP API route. HTTP
// APIs refuse route paths that end in "/", and route a request to
// /api/offerings/ and to /api/offerings alike to a route /api/offerings; so
// the trailing slash is dropped here, and the function's own router does
// the exact matching the contract needs (the slashed path is served, the
// slashless one gets DRF's 301). A greedy {proxy+} would not do: it needs
// at least one character, so it never matches the bare trailing slash.
func (r Route) GatewayPath() string {
	if r.Path != "/" && strings.HasSuffix(r.Path, "/") {
		return strings.TrimSuffix(r.Path, "/")
	}
	return r.Path
}

// GatewayKey is the API Gateway route key: "GET /api/offerings/{id}".
func (r Route) GatewayKey() string { return r.Method + " " + r.GatewayPath() }

// ByGatewayKey finds the route an API Gateway route key belongs to.
func ByGatewayKey(key string) (Route, bool) {
	for _, r := range All {
		if r.GatewayKey() == key {
			return r, true
		}
	}
	return Route{}, false
}

// All is every route, in the order API.md lists them.
var All = []Route{
	// offerings — seed 000
	{Function: "offerings", Method: "GET", Path: "/api/offerings/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "List offerings"},
	{Function: "offerings", Method: "GET", Path: "/api/offerings/{id}/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Retrieve an offering"},

	// investments — seed 000
	{Function: "investments", Method: "GET", Path: "/api/investments/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "List investments"},
	{Function: "investments", Method: "GET", Path: "/api/investments/statuses/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Investment statuses"},
	{Function: "investments", Method: "GET", Path: "/api/investments/summary/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Investment summary for the given filters"},
	{Function: "investments", Method: "GET", Path: "/api/investments/values/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Distinct values of investment fields"},
	{Function: "investments", Method: "GET", Path: "/api/investments/{id}/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Retrieve an investment"},

	// investors — seed 000
	{Function: "investors", Method: "GET", Path: "/api/investors/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "List investors"},
	{Function: "investors", Method: "GET", Path: "/api/investors/values/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Distinct values of investor fields"},
	{Function: "investors", Method: "GET", Path: "/api/investors/{id}/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Retrieve an investor"},

	// users — seed 000
	{Function: "users", Method: "GET", Path: "/api/users/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "List the issuer's users"},
	{Function: "users", Method: "GET", Path: "/api/users/{id}/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Retrieve a user"},

	// schema — seed 003
	{Function: "schema", Method: "GET", Path: "/api/schema/", Auth: AuthNone, Seed: "003", Summary: "OpenAPI 3 document of this API (YAML, or JSON by content negotiation)"},
	// the reference pages over it (issue 14), at drf-spectacular's URLs,
	// and their embedded scripts and styles
	{Function: "schema", Method: "GET", Path: "/api/schema/swagger-ui/", Auth: AuthNone, Summary: "API reference: Swagger UI over the document (HTML)"},
	{Function: "schema", Method: "GET", Path: "/api/schema/redoc/", Auth: AuthNone, Summary: "API reference: Redoc over the document (HTML)"},
	{Function: "schema", Method: "GET", Path: "/api/schema/ui/{file}", Auth: AuthNone, Summary: "A script or stylesheet of the reference pages (embedded, no CDN)"},

	// workspaces — seed 004
	{Function: "workspaces", Method: "GET", Path: "/api/accounts/companies/", Auth: AuthJWT, Seed: "004", Summary: "List the caller's workspaces (companies)"},
	{Function: "workspaces", Method: "GET", Path: "/api/accounts/users/", Auth: AuthJWT, Seed: "004", Summary: "List the users of the active workspace (view_user)"},
	{Function: "workspaces", Method: "GET", Path: "/api/accounts/users/me/", Auth: AuthJWT, Seed: "004", Summary: "The caller"},
	{Function: "workspaces", Method: "GET", Path: "/api/accounts/me/", Auth: AuthJWT, Seed: "004", Summary: "The caller (deprecated alias of users/me)"},
	{Function: "workspaces", Method: "GET", Path: "/api/accounts/workspaces/", Auth: AuthJWT, Seed: "004", Summary: "List the caller's workspaces"},
	{Function: "workspaces", Method: "POST", Path: "/api/accounts/workspaces/switch/", Auth: AuthJWT, Seed: "004", Summary: "Switch the active workspace"},

	// invitations — seed 004
	{Function: "invitations", Method: "POST", Path: "/api/accounts/invitations/", Auth: AuthJWT, Seed: "004", Summary: "Invite a user into the active workspace (e-mail sent)"},
	{Function: "invitations", Method: "GET", Path: "/api/accounts/invitations/{id}/", Auth: AuthJWT, Seed: "004", Summary: "Invitation status"},

	// users and invitations — seed 001 (issue 12)
	{Function: "users", Method: "GET", Path: "/api/user-types/{type}/users/", Auth: AuthJWT, Seed: "001", Summary: "Users of one type (internal, issuer, investor, user; all: every user), with filters, search and ordering (view_user)"},
	{Function: "users", Method: "GET", Path: "/api/user-types/{type}/export/", Auth: AuthJWT, Seed: "001", Summary: "CSV export of the users of one type (view_user; large exports redirect to a presigned URL)"},
	{Function: "users", Method: "GET", Path: "/api/users/export/", Auth: AuthJWT, Seed: "001", Summary: "CSV export of every user (view_user; large exports redirect to a presigned URL)"},
	{Function: "users", Method: "GET", Path: "/api/users/{id}/all/", Auth: AuthJWT, Seed: "001", Summary: "A user with their full data graph (view_user)"},
	{Function: "users", Method: "PATCH", Path: "/api/users/{id}/profile/", Auth: AuthJWT, Seed: "001", Summary: "Update a user's profile fields (change_user)"},
	{Function: "users", Method: "PATCH", Path: "/api/users/me/", Auth: AuthJWT, Seed: "001", Summary: "Update the caller's own profile fields"},
	{Function: "invitations", Method: "POST", Path: "/api/invitations/", Auth: AuthJWT, Seed: "001", Summary: "Create an invitation of a user (investor, issuer or user; e-mail sent; add_user)"},
	{Function: "invitations", Method: "POST", Path: "/api/invitations/internal/", Auth: AuthJWT, Seed: "001", Summary: "Create an invitation of an internal team member with a workspace role (e-mail sent)"},
	{Function: "invitations", Method: "POST", Path: "/api/invitations/{id}/resend/", Auth: AuthJWT, Seed: "001", Summary: "Resend an invitation's e-mail (rate-limited; 400 once accepted or revoked)"},
	{Function: "invitations", Method: "POST", Path: "/api/invitations/login-token/", Auth: AuthJWT, Seed: "001", Summary: "Create a single-use impersonation login token for a user and group (OWNER/ADMIN; audited)"},
	{Function: "invitations", Method: "POST", Path: "/api/invitations/login-token/exchange/", Auth: AuthJWT, Seed: "001", Summary: "Spend an impersonation login token: the impersonated user (OWNER/ADMIN; audited)"},

	// groups and roles — seed 001 (issue 12)
	{Function: "groups", Method: "GET", Path: "/api/user-groups/", Auth: AuthJWT, Seed: "001", Summary: "List the workspace's user groups"},
	{Function: "groups", Method: "POST", Path: "/api/user-groups/", Auth: AuthJWT, Seed: "001", Summary: "Create a user group (its lead and members in one transaction)"},
	{Function: "groups", Method: "GET", Path: "/api/user-groups/search/", Auth: AuthJWT, Seed: "001", Summary: "Search user groups by name and other criteria"},
	{Function: "groups", Method: "GET", Path: "/api/user-groups/by-lead-user/", Auth: AuthJWT, Seed: "001", Summary: "The user group whose lead user has the UUID (?uuid=)"},
	{Function: "groups", Method: "GET", Path: "/api/user-groups/{id}/", Auth: AuthJWT, Seed: "001", Summary: "Retrieve a user group"},
	{Function: "groups", Method: "PATCH", Path: "/api/user-groups/{id}/", Auth: AuthJWT, Seed: "001", Summary: "Update a user group (name, description, lead user)"},
	{Function: "groups", Method: "GET", Path: "/api/user-groups/{id}/users/", Auth: AuthJWT, Seed: "001", Summary: "List a user group's members"},
	{Function: "groups", Method: "POST", Path: "/api/user-groups/{id}/users/", Auth: AuthJWT, Seed: "001", Summary: "Create a membership: add a user to a user group"},
	{Function: "groups", Method: "DELETE", Path: "/api/user-groups/{id}/users/{user_id}/", Auth: AuthJWT, Seed: "001", Summary: "Remove a user from a user group"},
	{Function: "groups", Method: "PATCH", Path: "/api/user-groups/{id}/role/", Auth: AuthJWT, Seed: "001", Summary: "Change a member's role in a user group"},
	{Function: "groups", Method: "PATCH", Path: "/api/user-groups/{id}/feature-flags/", Auth: AuthJWT, Seed: "001", Summary: "Enable or disable a feature flag of a user group"},
	{Function: "groups", Method: "DELETE", Path: "/api/user-groups/{id}/", Auth: AuthJWT, Seed: "001", Summary: "Delete a user group, its memberships and its pending shell invitation"},
	{Function: "groups", Method: "GET", Path: "/api/roles/", Auth: AuthJWT, Seed: "001", Summary: "Roles available for assignment in groups, with their permissions"},
	{Function: "invitations", Method: "POST", Path: "/api/invitations/shell/", Auth: AuthJWT, Seed: "001", Summary: "Create a shell group and invite a user to take it over as lead (e-mail sent)"},
	{Function: "invitations", Method: "POST", Path: "/api/invitations/signatory/", Auth: AuthJWT, Seed: "001", Summary: "Mark a user as signatory within their group"},
	// forms — seed 001 (issue 12)
	{Function: "forms", Method: "GET", Path: "/api/user-data-forms/", Auth: AuthJWT, Seed: "001", Summary: "List user data form definitions"},
	{Function: "forms", Method: "POST", Path: "/api/user-data-forms/", Auth: AuthJWT, Seed: "001", Summary: "Create (define) a user data form: fields with types, required, choices"},
	{Function: "forms", Method: "GET", Path: "/api/user-data-forms/data/", Auth: AuthJWT, Seed: "001", Summary: "All submitted user data form data (implementations with answers; filter by form, user, status)"},
	{Function: "forms", Method: "GET", Path: "/api/user-data-forms/enabled/", Auth: AuthJWT, Seed: "001", Summary: "User data forms enabled for the tenant"},
	{Function: "forms", Method: "GET", Path: "/api/user-data-forms/enabled/me/", Auth: AuthJWT, Seed: "001", Summary: "User data forms enabled for the caller, with the caller's implementation"},
	{Function: "forms", Method: "GET", Path: "/api/user-data-forms/{id}/", Auth: AuthJWT, Seed: "001", Summary: "Retrieve a user data form definition"},
	{Function: "forms", Method: "DELETE", Path: "/api/user-data-forms/{id}/", Auth: AuthJWT, Seed: "001", Summary: "Delete a user data form definition (409 while users hold implementations)"},
	{Function: "forms", Method: "PATCH", Path: "/api/user-data-forms/{id}/state/", Auth: AuthJWT, Seed: "001", Summary: "Enable or disable a user data form"},
	{Function: "forms", Method: "POST", Path: "/api/user-data-forms/{id}/implementations/", Auth: AuthJWT, Seed: "001", Summary: "Create a user data form implementation for a user (assign it, optionally with answers)"},
	{Function: "forms", Method: "GET", Path: "/api/user-data-forms/{id}/implementations/{user}/", Auth: AuthJWT, Seed: "001", Summary: "A user's implementation of a user data form with its answers"},
	{Function: "forms", Method: "PUT", Path: "/api/user-data-forms/{id}/implementations/{user}/", Auth: AuthJWT, Seed: "001", Summary: "Submit or replace a user's answers to a user data form"},
	{Function: "forms", Method: "GET", Path: "/api/investor-preference-forms/", Auth: AuthJWT, Seed: "001", Summary: "List investor preference form definitions"},
	{Function: "forms", Method: "POST", Path: "/api/investor-preference-forms/", Auth: AuthJWT, Seed: "001", Summary: "Create (define) an investor preference form: fields, classifications, editable, enforcement type"},
	{Function: "forms", Method: "GET", Path: "/api/investor-preference-forms/data/", Auth: AuthJWT, Seed: "001", Summary: "All submitted investor preference form data (filter by form, user, status)"},
	{Function: "forms", Method: "GET", Path: "/api/investor-preference-forms/enabled/", Auth: AuthJWT, Seed: "001", Summary: "Investor preference forms enabled for a user (?user=, default the caller), gated by classification"},
	{Function: "forms", Method: "GET", Path: "/api/investor-preference-forms/{id}/", Auth: AuthJWT, Seed: "001", Summary: "Retrieve an investor preference form definition"},
	{Function: "forms", Method: "DELETE", Path: "/api/investor-preference-forms/{id}/", Auth: AuthJWT, Seed: "001", Summary: "Delete an investor preference form definition (409 while users hold implementations)"},
	{Function: "forms", Method: "PATCH", Path: "/api/investor-preference-forms/{id}/classifications/", Auth: AuthJWT, Seed: "001", Summary: "Set the investor classifications gating a preference form"},
	{Function: "forms", Method: "PATCH", Path: "/api/investor-preference-forms/{id}/editable/", Auth: AuthJWT, Seed: "001", Summary: "Set whether investors may edit their submitted answers"},
	{Function: "forms", Method: "PATCH", Path: "/api/investor-preference-forms/{id}/enforcement-type/", Auth: AuthJWT, Seed: "001", Summary: "Set a preference form's enforcement type (optional, required, attested)"},
	{Function: "forms", Method: "PATCH", Path: "/api/investor-preference-forms/{id}/state/", Auth: AuthJWT, Seed: "001", Summary: "Enable or disable an investor preference form"},
	{Function: "forms", Method: "POST", Path: "/api/investor-preference-forms/{id}/implementations/", Auth: AuthJWT, Seed: "001", Summary: "Create an investor preference form implementation for a user (assign it, optionally with answers)"},
	{Function: "forms", Method: "GET", Path: "/api/investor-preference-forms/{id}/implementations/{user}/", Auth: AuthJWT, Seed: "001", Summary: "A user's implementation of a preference form with its answers"},
	{Function: "forms", Method: "PUT", Path: "/api/investor-preference-forms/{id}/implementations/{user}/", Auth: AuthJWT, Seed: "001", Summary: "Submit or replace a user's answers to a preference form"},

	// account — seed 003
	{Function: "account", Method: "GET", Path: "/api/v1/account/user/", Auth: AuthJWT, Seed: "003", Summary: "The current user"},
	{Function: "account", Method: "POST", Path: "/api/v1/account/user/", Auth: AuthJWT, Seed: "003", Summary: "Partially update the current user"},
	{Function: "account", Method: "GET", Path: "/api/v1/account/userextension/", Auth: AuthJWT, Seed: "003", Summary: "The current user's extended information"},
	{Function: "account", Method: "POST", Path: "/api/v1/account/userextension/", Auth: AuthJWT, Seed: "003", Summary: "Partially update the extended information"},
	{Function: "account", Method: "GET", Path: "/api/v1/account/userorganisation/", Auth: AuthJWT, Seed: "003", Summary: "The active organisation (workspace)"},
	{Function: "account", Method: "POST", Path: "/api/v1/account/userorganisation/", Auth: AuthJWT, Seed: "003", Summary: "Partially update the active organisation"},
	{Function: "account", Method: "GET", Path: "/api/v1/account/userprofile/", Auth: AuthJWT, Seed: "003", Summary: "The current user's profile"},
	{Function: "account", Method: "POST", Path: "/api/v1/account/userprofile/", Auth: AuthJWT, Seed: "003", Summary: "Partially update the profile"},
	{Function: "account", Method: "GET", Path: "/api/v1/account/usersubscription/", Auth: AuthJWT, Seed: "003", Summary: "The current user's subscription"},
	{Function: "account", Method: "POST", Path: "/api/v1/account/usersubscription/", Auth: AuthJWT, Seed: "003", Summary: "Partially update the subscription"},
	{Function: "account", Method: "GET", Path: "/api/v1/account/devtest/", Auth: AuthJWT, Seed: "003", Summary: "Developer-only GET"},
	{Function: "account", Method: "POST", Path: "/api/v1/account/devtest/", Auth: AuthJWT, Seed: "003", Summary: "Developer-only POST"},
	{Function: "account", Method: "PUT", Path: "/api/v1/account/devtest/", Auth: AuthJWT, Seed: "003", Summary: "Developer-only PUT"},
	{Function: "account", Method: "DELETE", Path: "/api/v1/account/devtest/", Auth: AuthJWT, Seed: "003", Summary: "Developer-only DELETE"},
	{Function: "account", Method: "GET", Path: "/api/v1/server/select/", Auth: AuthJWT, Seed: "003", Summary: "Server selection for the caller"},

	// trades — seed 003
	{Function: "trades", Method: "GET", Path: "/api/v1/ibkr/tradehistory/", Auth: AuthJWT, Seed: "003", Summary: "The caller's trades"},
	{Function: "trades", Method: "GET", Path: "/api/v1/ibkr/trades/", Auth: AuthJWT, Seed: "003", Summary: "The caller's trades"},
	{Function: "trades", Method: "POST", Path: "/api/v1/ibkr/trades/", Auth: AuthJWT, Summary: "Import trades (JSON array, idempotent on trade_id)"},

	// mail — Tranche's own: the unsubscribe link of investor-facing e-mail
	// (package schedule; a signed token, no credentials)
	{Function: "mail", Method: "GET", Path: "/api/mail/unsubscribe/{token}/", Auth: AuthNone, Summary: "Unsubscribe page of an e-mail's link (HTML; a button POSTs)"},
	{Function: "mail", Method: "POST", Path: "/api/mail/unsubscribe/{token}/", Auth: AuthNone, Summary: "Unsubscribe: one-click (RFC 8058 List-Unsubscribe-Post) or the page's button; records the opt-out"},

	// documents — W-9 signing page (issue 13): Tranche's own, reached by the
	// expiring HMAC-signed embed link of document-share-link (package
	// documents; the link is the credential)
	{Function: "documents-web", Method: "GET", Path: "/api/documents/w9/{token}/", Auth: AuthNone, Summary: "W-9 signing page (HTML): the document and a signature form, or the signature once signed"},
	{Function: "documents-web", Method: "POST", Path: "/api/documents/w9/{token}/", Auth: AuthNone, Summary: "Sign the W-9 (form: name, consent, sha256 of the document shown); once, and only for the current document"},

	// webhooks — seed 003
	{Function: "webhooks", Method: "POST", Path: "/api/v1/account/clerk_webhook/", Auth: AuthSvix, Seed: "003", Summary: "Clerk events, verified by Svix signature"},

	// profiles — seed 002 (issue 13): the document's paths without trailing
	// slashes, also under its /api/v1/api/ prefix
	{Function: "profiles", Method: "GET", Path: "/api/profiles", Auth: AuthKeyOrJWT, Seed: "002", Summary: "List the caller's profiles (?user_id=); needs accounts.read"},
	{Function: "profiles", Method: "POST", Path: "/api/profiles", Auth: AuthKeyOrJWT, Seed: "002", Summary: "New profile, answered 200 as the document does (user_id null creates the user); needs accounts.write; 422 on an invalid body"},
	{Function: "profiles", Method: "PUT", Path: "/api/profiles/{id}", Auth: AuthKeyOrJWT, Seed: "002", Summary: "Update a profile (the whole body; tax_id may be left out to keep it); needs accounts.write"},
	{Function: "profiles", Method: "GET", Path: "/api/profile/{id}", Auth: AuthKeyOrJWT, Seed: "002", Summary: "Retrieve a profile; needs accounts.read"},
	{Function: "profiles", Method: "GET", Path: "/api/profiles/{id}", Auth: AuthKeyOrJWT, Seed: "002", Summary: "Retrieve a profile; needs accounts.read"},
	{Function: "profiles", Method: "GET", Path: "/api/profiles/{id}/document-share-link", Auth: AuthKeyOrJWT, Seed: "002", Summary: "The W-9's share_uuid and embed_link (409 while it is generated); needs accounts.read"},
	{Function: "profiles", Method: "POST", Path: "/api/profiles/{id}/bank-account", Auth: AuthKeyOrJWT, Seed: "002", Summary: "Link the profile's ACH bank account (US profiles only; replaces the active one); needs accounts.write"},
	{Function: "profiles", Method: "GET", Path: "/api/countries", Auth: AuthKeyOrJWT, Seed: "002", Summary: "ISO 3166 countries with the ids profiles use"},
	{Function: "profiles", Method: "GET", Path: "/api/states", Auth: AuthKeyOrJWT, Seed: "002", Summary: "US states and territories with the ids profiles use"},
	{Function: "profiles", Method: "GET", Path: "/api/investor-qualifications", Auth: AuthKeyOrJWT, Seed: "002", Summary: "Accredited investor qualifications (Rule 501(a))"},
	{Function: "profiles", Method: "GET", Path: "/api/v1/api/profiles", Auth: AuthKeyOrJWT, Seed: "002", Summary: "List the caller's profiles (?user_id=); needs accounts.read"},
	{Function: "profiles", Method: "POST", Path: "/api/v1/api/profiles", Auth: AuthKeyOrJWT, Seed: "002", Summary: "New profile, answered 200 as the document does (user_id null creates the user); needs accounts.write; 422 on an invalid body"},
	{Function: "profiles", Method: "PUT", Path: "/api/v1/api/profiles/{id}", Auth: AuthKeyOrJWT, Seed: "002", Summary: "Update a profile (the whole body; tax_id may be left out to keep it); needs accounts.write"},
	{Function: "profiles", Method: "GET", Path: "/api/v1/api/profile/{id}", Auth: AuthKeyOrJWT, Seed: "002", Summary: "Retrieve a profile; needs accounts.read"},
	{Function: "profiles", Method: "GET", Path: "/api/v1/api/profiles/{id}", Auth: AuthKeyOrJWT, Seed: "002", Summary: "Retrieve a profile; needs accounts.read"},
	{Function: "profiles", Method: "GET", Path: "/api/v1/api/profiles/{id}/document-share-link", Auth: AuthKeyOrJWT, Seed: "002", Summary: "The W-9's share_uuid and embed_link (409 while it is generated); needs accounts.read"},
	{Function: "profiles", Method: "POST", Path: "/api/v1/api/profiles/{id}/bank-account", Auth: AuthKeyOrJWT, Seed: "002", Summary: "Link the profile's ACH bank account (US profiles only; replaces the active one); needs accounts.write"},
	{Function: "profiles", Method: "GET", Path: "/api/v1/api/countries", Auth: AuthKeyOrJWT, Seed: "002", Summary: "ISO 3166 countries with the ids profiles use"},
	{Function: "profiles", Method: "GET", Path: "/api/v1/api/states", Auth: AuthKeyOrJWT, Seed: "002", Summary: "US states and territories with the ids profiles use"},
	{Function: "profiles", Method: "GET", Path: "/api/v1/api/investor-qualifications", Auth: AuthKeyOrJWT, Seed: "002", Summary: "Accredited investor qualifications (Rule 501(a))"},

	// seed 000 write side (issue 5): offerings, investments, investors, users
	{Function: "offerings", Method: "POST", Path: "/api/offerings/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Create an offering (status incomplete), validated per regulation type"},
	{Function: "offerings", Method: "PATCH", Path: "/api/offerings/{id}/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Update an offering's fields and settings"},
	{Function: "offerings", Method: "POST", Path: "/api/offerings/{id}/open/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Open an offering for investment"},
	{Function: "offerings", Method: "POST", Path: "/api/offerings/{id}/pause/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Pause an open offering"},
	{Function: "offerings", Method: "POST", Path: "/api/offerings/{id}/close/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Close an offering"},
	{Function: "offerings", Method: "POST", Path: "/api/offerings/{id}/escrow-close/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Reg CF escrow closing: accepted investments become accepted_escrow_closed"},
	{Function: "offerings", Method: "POST", Path: "/api/offerings/{id}/refunds/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Refund cancelled, not-approved and failed-minimum investments"},
	{Function: "offerings", Method: "POST", Path: "/api/offerings/{id}/api-keys/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Create an API key for the offering (shown once)"},
	{Function: "offerings", Method: "GET", Path: "/api/offerings/{id}/api-keys/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "List the offering's API keys (masked)"},
	{Function: "offerings", Method: "DELETE", Path: "/api/offerings/{id}/api-keys/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Revoke one of the offering's API keys (key_id in the body or query)"},
	{Function: "investments", Method: "POST", Path: "/api/investments/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Create (start) an investment, enforcing the offering's and the regulation's rules"},
	{Function: "investments", Method: "PATCH", Path: "/api/investments/{id}/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Update an investment's payment and signing details"},
	{Function: "investments", Method: "POST", Path: "/api/investments/{id}/receive/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Lifecycle: the payment was received"},
	{Function: "investments", Method: "POST", Path: "/api/investments/{id}/fail-payment/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Lifecycle: the payment failed"},
	{Function: "investments", Method: "POST", Path: "/api/investments/{id}/approve/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Lifecycle: approve (KYC passed, no unresolved AML hit)"},
	{Function: "investments", Method: "POST", Path: "/api/investments/{id}/reject/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Lifecycle: reject (not approved)"},
	{Function: "investments", Method: "POST", Path: "/api/investments/{id}/accept/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Lifecycle: accept"},
	{Function: "investments", Method: "POST", Path: "/api/investments/{id}/cancel/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Lifecycle: cancel"},
	{Function: "investments", Method: "POST", Path: "/api/investments/{id}/refund/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Lifecycle: refund"},
	{Function: "investments", Method: "POST", Path: "/api/investments/{id}/invest/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Lifecycle: invest (funds released to the issuer)"},
	{Function: "investors", Method: "POST", Path: "/api/investors/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Create an investor with its entity"},
	{Function: "investors", Method: "PATCH", Path: "/api/investors/{id}/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Update an investor and its entity"},
	{Function: "users", Method: "POST", Path: "/api/users/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Create a user (email, write-only password)"},

	// compliance (issue 16): Tranche's own, beyond the seeds
	{Function: "investments", Method: "GET", Path: "/api/investments/{id}/audit/", Auth: AuthKeyOrJWT, Summary: "The investment's audit trail: its limit decision and every state change, with time and actor"},
	{Function: "offerings", Method: "GET", Path: "/api/offerings/{id}/audit/", Auth: AuthKeyOrJWT, Summary: "The offering's audit trail: state changes and every sale with its limit decision, with time and actor"},
	{Function: "offerings", Method: "POST", Path: "/api/offerings/{id}/early-close/", Auth: AuthKeyOrJWT, Summary: "Reg CF early close (17 CFR 227.304(b)): a new, earlier deadline at least 5 business days ahead, target met; e-mails investors"},
	{Function: "offerings", Method: "POST", Path: "/api/offerings/{id}/material-change/", Auth: AuthKeyOrJWT, Summary: "Reg CF material change (17 CFR 227.304(c)): commitments must be reconfirmed within 5 business days; e-mails investors"},
	{Function: "offerings", Method: "POST", Path: "/api/offerings/{id}/cancel-unconfirmed/", Auth: AuthKeyOrJWT, Summary: "Reg CF: cancel the commitments not reconfirmed in time after a material change (17 CFR 227.304(c))"},
	{Function: "investments", Method: "POST", Path: "/api/investments/{id}/reconfirm/", Auth: AuthKeyOrJWT, Summary: "Reg CF: the investor reconfirms its commitment after a material change (17 CFR 227.304(c))"},
	{Function: "investors", Method: "GET", Path: "/api/investors/{id}/accreditation/", Auth: AuthKeyOrJWT, Summary: "The investor's accreditation: declaration, verification record (230.506(c)(2)(ii)) and status today"},
	{Function: "investors", Method: "PUT", Path: "/api/investors/{id}/accreditation/", Auth: AuthKeyOrJWT, Summary: "Record the investor's accreditation verification (workspace write keys, OWNER and ADMIN only)"},
	{Function: "users", Method: "PATCH", Path: "/api/users/{id}/", Auth: AuthKeyOrJWT, Seed: "000", Summary: "Update a user's email or password"},
}

// ByFunction returns the routes owned by one function, in table order.
func ByFunction(fn string) []Route {
	var out []Route
	for _, r := range All {
		if r.Function == fn {
			out = append(out, r)
		}
	}
	return out
}

// Functions lists every function that owns at least one route, sorted.
func Functions() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range All {
		if !seen[r.Function] {
			seen[r.Function] = true
			out = append(out, r.Function)
		}
	}
	sort.Strings(out)
	return out
}

// Scheduled lists the functions that run on a schedule rather than a route.
var Scheduled = []string{"reminders", "summaries"}

// Queued lists the functions that serve no route and run on their SQS
// queue's messages and on a sweep schedule (issue 13: the W-9 documents).
var Queued = []string{"documents"}

// Methods returns, per path, the methods the table serves there, sorted. The
// HTTP layer uses it for DRF's 405 and its Allow header.
func Methods(fn string) map[string][]string {
	out := map[string][]string{}
	for _, r := range ByFunction(fn) {
		out[r.Path] = append(out[r.Path], r.Method)
	}
	for p := range out {
		sort.Strings(out[p])
	}
	return out
}
