package users

import (
	"net/http"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/listing"
)

// Function is the name of the Lambda function that serves this group.
const Function = "users"

// NewHandler returns the group's handler.
func NewHandler(deps app.Deps) http.Handler {
	rt := httpapi.NewRouter(Function)
	rt.Use(auth.FromDeps(deps).For)
	addRoutes(rt, deps)
	return rt.Handler()
}

func addRoutes(rt *httpapi.Router, deps app.Deps) {
	rt.HandleFunc("GET /api/users/{id}/", handleDetail(deps))
	rt.HandleFunc("GET /api/users/", listing.Handler(listSpec(deps)))
	rt.Handle("POST /api/users/", httpapi.Idempotent(deps.DB, auth.IdempotencyCaller, handleCreate(deps)))
	rt.HandleFunc("PATCH /api/users/{id}/", handleUpdate(deps))
}
