package account

// Exported names of the package's response bodies, for the OpenAPI
// document (pkg/schema), which reads their schemas from these types.
type (
	UserView = userView
	OrgView  = orgView
	Server   = server
)
