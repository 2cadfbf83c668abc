package offerings

import (
	"net/http"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/listing"
	"github.com/tranche-dev/tranche/pkg/mail"
)

// Function is the name of the Lambda function that serves this group.
const Function = "offerings"

// NewHandler returns the group's handler.
func NewHandler(deps app.Deps) http.Handler {
	rt := httpapi.NewRouter(Function)
	rt.Use(auth.FromDeps(deps).For)
	addRoutes(rt, deps)
	return rt.Handler()
}

func addRoutes(rt *httpapi.Router, deps app.Deps) {
	rt.HandleFunc("GET /api/offerings/{id}/", handleDetail(deps))
	rt.HandleFunc("GET /api/offerings/{id}/audit/", handleAudit(deps))
	rt.HandleFunc("GET /api/offerings/", listing.Handler(listSpec(deps)))
	rt.Handle("POST /api/offerings/", httpapi.Idempotent(deps.DB, auth.IdempotencyCaller, handleCreate(deps)))
	rt.HandleFunc("PATCH /api/offerings/{id}/", handleUpdate(deps))
	for _, a := range []string{"open", "pause", "close"} {
		rt.Handle("POST /api/offerings/{id}/"+a+"/", httpapi.Idempotent(deps.DB, auth.IdempotencyCaller, handleStatus(deps, a)))
	}
	rt.Handle("POST /api/offerings/{id}/escrow-close/", httpapi.Idempotent(deps.DB, auth.IdempotencyCaller, handleEscrowClose(deps)))
	rt.Handle("POST /api/offerings/{id}/refunds/", httpapi.Idempotent(deps.DB, auth.IdempotencyCaller, handleRefunds(deps)))
	// Reg CF's 227.304 actions (regcf.go); idempotent, so a retried
	// request does not e-mail investors twice.
	sender := mail.FromDeps(deps)
	rt.Handle("POST /api/offerings/{id}/early-close/", httpapi.Idempotent(deps.DB, auth.IdempotencyCaller, handleEarlyClose(deps, sender)))
	rt.Handle("POST /api/offerings/{id}/material-change/", httpapi.Idempotent(deps.DB, auth.IdempotencyCaller, handleMaterialChange(deps, sender)))
	rt.Handle("POST /api/offerings/{id}/cancel-unconfirmed/", httpapi.Idempotent(deps.DB, auth.IdempotencyCaller, handleCancelUnconfirmed(deps)))
	// Not idempotent on purpose: a stored first answer would keep the
	// secret, which is only ever stored as a hash.
	rt.HandleFunc("POST /api/offerings/{id}/api-keys/", handleMintKey(deps))
	rt.HandleFunc("GET /api/offerings/{id}/api-keys/", handleListKeys(deps))
	rt.HandleFunc("DELETE /api/offerings/{id}/api-keys/", handleRevokeKey(deps))
}
