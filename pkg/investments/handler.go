package investments

import (
	"net/http"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/listing"
	"github.com/tranche-dev/tranche/pkg/model"
)

// Function is the name of the Lambda function that serves this group.
const Function = "investments"

// NewHandler returns the group's handler.
func NewHandler(deps app.Deps) http.Handler {
	rt := httpapi.NewRouter(Function)
	rt.Use(auth.FromDeps(deps).For)
	addRoutes(rt, deps)
	return rt.Handler()
}

func addRoutes(rt *httpapi.Router, deps app.Deps) {
	svc := NewService(deps.DB)
	rt.HandleFunc("GET /api/investments/statuses/", handleStatuses())
	rt.HandleFunc("GET /api/investments/", listing.Handler(listSpec(deps.DB)))
	rt.HandleFunc("GET /api/investments/values/", handleValues(deps.DB))
	rt.HandleFunc("GET /api/investments/summary/", handleSummary(deps.DB))
	rt.HandleFunc("GET /api/investments/{id}/", handleDetail(deps.DB))
	rt.HandleFunc("GET /api/investments/{id}/audit/", handleAudit(deps.DB))
	rt.Handle("POST /api/investments/", httpapi.Idempotent(deps.DB, auth.IdempotencyCaller, handleCreate(svc)))
	rt.HandleFunc("PATCH /api/investments/{id}/", handleUpdate(svc))
	rt.Handle("POST /api/investments/{id}/reconfirm/", httpapi.Idempotent(deps.DB, auth.IdempotencyCaller, handleReconfirm(svc)))
	for _, a := range model.Actions {
		rt.Handle("POST /api/investments/{id}/"+string(a)+"/", httpapi.Idempotent(deps.DB, auth.IdempotencyCaller, handleAction(svc, a)))
	}
}
