package investors

import (
	"net/http"

	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/filter"
	"github.com/tranche-dev/tranche/pkg/filter/py"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/investments"
	"github.com/tranche-dev/tranche/pkg/store"
)

// valueFields are the fields /api/investors/values/ accepts.
var valueFields = map[string]func(*row) any{
	"user": func(r *row) any { return r.g.Investor.User },
	"type": func(r *row) any { return r.g.Investor.Type },
	"user__thirdpartyissueruser__email": func(r *row) any {
		if r.g.User == nil {
			return nil
		}
		return r.g.User.ThirdPartyIssuerEmail
	},
	"id": func(r *row) any { return r.g.Investor.ID },
}

// handleValues serves GET /api/investors/values/?field=a,b over the
// filtered and searched investors.
func handleValues(db *store.DB) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		fields, err := investments.ValueFields(py.ParseQuery(r.URL.RawQuery), func(f string) bool { _, ok := valueFields[f]; return ok })
		if err != nil {
			return err
		}
		ctx, stats := store.WithStats(r.Context())
		src, err := open(ctx, db, p)
		if err != nil {
			return err
		}
		defer src.Close()
		q, err := filter.Parse(ctx, filter.InvestorFilters, py.ParseQuery(r.URL.RawQuery), src.Visible)
		if err != nil {
			return err
		}
		rows, vals := investments.DistinctOf(src.Table, q, fields,
			func(r *row, f string) any { return valueFields[f](r) },
			func(r *row, f string) filter.Value { return r.Value(f) })
		w.Header().Set(store.PlanHeader, stats.Plan(rows))
		return httpapi.JSON(w, http.StatusOK, investments.ValuesEnvelope{Success: true, Data: investments.ValuesBody{Values: vals, Count: len(vals)}})
	}
}
