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
	// The write routes share one service; its Reg CF notices go out
	// through SES.
	svc := NewService(deps.DB, mail.FromDeps(deps), deps.Log)
	rt.HandleFunc("GET /api/offerings/{id}/", handleDetail(deps.DB))
	rt.HandleFunc("GET /api/offerings/{id}/audit/", handleAudit(deps.DB))
	rt.HandleFunc("GET /api/offerings/", listing.Handler(listSpec(deps.DB)))
	rt.Handle("POST /api/offerings/", httpapi.Idempotent(deps.DB, auth.IdempotencyCaller, handleCreate(svc)))
	rt.HandleFunc("PATCH /api/offerings/{id}/", handleUpdate(svc))
	for _, a := range []string{"open", "pause", "close"} {
		rt.Handle("POST /api/offerings/{id}/"+a+"/", httpapi.Idempotent(deps.DB, auth.IdempotencyCaller, handleStatus(svc, a)))
	}
	rt.Handle("POST /api/offerings/{id}/escrow-close/", httpapi.Idempotent(deps.DB, auth.IdempotencyCaller, handleEscrowClose(svc)))
	rt.Handle("POST /api/offerings/{id}/refunds/", httpapi.Idempotent(deps.DB, auth.IdempotencyCaller, handleRefunds(svc)))
	// Reg CF's 227.304 actions (regcf.go); idempotent, so a retried
	// request does not e-mail investors twice.
	rt.Handle("POST /api/offerings/{id}/early-close/", httpapi.Idempotent(deps.DB, auth.IdempotencyCaller, handleEarlyClose(svc)))
	rt.Handle("POST /api/offerings/{id}/material-change/", httpapi.Idempotent(deps.DB, auth.IdempotencyCaller, handleMaterialChange(svc)))
	rt.Handle("POST /api/offerings/{id}/cancel-unconfirmed/", httpapi.Idempotent(deps.DB, auth.IdempotencyCaller, handleCancelUnconfirmed(svc)))
	// Not idempotent on purpose: a stored first answer would keep the
	// secret, which is only ever stored as a hash.
	rt.HandleFunc("POST /api/offerings/{id}/api-keys/", handleMintKey(svc))
	rt.HandleFunc("GET /api/offerings/{id}/api-keys/", handleListKeys(svc))
	rt.HandleFunc("DELETE /api/offerings/{id}/api-keys/", handleRevokeKey(svc))
}
