package investors

import (
	"context"
	"net/http"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/store"
)

func handleDetail(db *store.DB) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		id, err := httpapi.PathID(r, "id")
		if err != nil {
			return err
		}
		q, err := parse(r.Context(), db, p, r) // filters apply to the detail route too
		if err != nil {
			return err
		}
		if ok, err := Visible(r.Context(), db, p, id); err != nil {
			return err
		} else if !ok {
			return apierr.NotFoundError()
		}
		graphs, err := db.InvestorGraphs(r.Context(), p.Workspace, []int64{id})
		if err != nil {
			return err
		}
		g, ok := graphs[id]
		if !ok || !matchesDetail(q, g) {
			return apierr.NotFoundError()
		}
		return httpapi.JSON(w, http.StatusOK, g.View())
	}
}

// InvestorLinks is what Visible reads: the investor aggregate's links to
// offerings and issuers (store.InvestorStore; *store.DB has it too).
type InvestorLinks interface {
	InvestorLinked(ctx context.Context, ws string, investor int64, offering, issuer int64) (bool, error)
}

// Visible reports whether the principal may see the investor: any investor
// of the workspace for workspace keys and sessions; for an offering or
// issuer key, only investors with an investment in that scope.
func Visible(ctx context.Context, db InvestorLinks, p *auth.Principal, investor int64) (bool, error) {
	switch p.Scope {
	case auth.ScopeOffering:
		return db.InvestorLinked(ctx, p.Workspace, investor, p.ScopeID, 0)
	case auth.ScopeIssuer:
		return db.InvestorLinked(ctx, p.Workspace, investor, 0, p.ScopeID)
	}
	return true, nil
}
