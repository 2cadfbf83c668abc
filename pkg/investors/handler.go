package investors

import (
	"net/http"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/listing"
)

// Function is the name of the Lambda function that serves this group.
const Function = "investors"

// NewHandler returns the group's handler.
func NewHandler(deps app.Deps) http.Handler {
	rt := httpapi.NewRouter(Function)
	rt.Use(auth.FromDeps(deps).For)
	addRoutes(rt, deps)
	return rt.Handler()
}

func addRoutes(rt *httpapi.Router, deps app.Deps) {
	svc := NewService(deps.DB)
	rt.HandleFunc("GET /api/investors/{id}/", handleDetail(deps.DB))
	rt.HandleFunc("GET /api/investors/", listing.Handler(listSpec(deps.DB)))
	rt.HandleFunc("GET /api/investors/values/", handleValues(deps.DB))
	rt.Handle("POST /api/investors/", httpapi.Idempotent(deps.DB, auth.IdempotencyCaller, handleCreate(svc)))
	rt.HandleFunc("PATCH /api/investors/{id}/", handleUpdate(svc))
	rt.HandleFunc("GET /api/investors/{id}/accreditation/", handleAccreditation(deps.DB))
	rt.HandleFunc("PUT /api/investors/{id}/accreditation/", handleVerify(svc))
}
