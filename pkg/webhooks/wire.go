package webhooks

// Ack is the 200 body of the Clerk webhook, exported for the OpenAPI
// document (pkg/schema): detail says when a replayed svix-id was not
// applied again.
type Ack struct {
	Success bool   `json:"success"`
	Detail  string `json:"detail,omitempty"`
}
