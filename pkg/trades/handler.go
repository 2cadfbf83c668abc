package trades

import (
	"errors"
	"io"
	"net/http"
	"sort"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/store"
)

// Function is the Lambda function that serves this group.
const Function = "trades"

// NewHandler returns the group's handler. It fails when Clerk sessions are
// not configured, so the function fails at start-up.
func NewHandler(deps app.Deps) (http.Handler, error) {
	a, err := auth.NewAuthenticator(deps)
	if err != nil {
		return nil, err
	}
	rt := httpapi.NewRouter(Function)
	rt.Use(a.For)
	addRoutes(rt, deps.DB)
	return rt.Handler(), nil
}

// addRoutes binds every routes.All entry of the trades function.
func addRoutes(rt *httpapi.Router, db *store.DB) {
	rt.HandleFunc("GET /api/v1/ibkr/tradehistory/", handleList(db))
	rt.HandleFunc("GET /api/v1/ibkr/trades/", handleList(db))
	rt.HandleFunc("POST /api/v1/ibkr/trades/", handleImport(NewService(db)))
}

// handleList is GET tradehistory/ and trades/: the caller's trades, by id
// (import order), as a plain list (the seed paginates neither).
func handleList(db *store.DB) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		ts, err := db.Trades(r.Context(), p.UserID)
		if err != nil {
			return err
		}
		sort.Slice(ts, func(i, j int) bool { return ts[i].ID < ts[j].ID })
		out := make([]tradeView, 0, len(ts))
		for i := range ts {
			out = append(out, newTradeView(&ts[i]))
		}
		return httpapi.JSON(w, http.StatusOK, out)
	}
}

// importResult is the 201 body of an import.
type importResult struct {
	Created        int `json:"created"`         // trade_ids not seen before
	AlreadyPresent int `json:"already_present"` // trade_ids imported before (updated in place when a field changed)
}

// handleImport is POST /api/v1/ibkr/trades/: a JSON array of trades,
// imported idempotently on trade_id. Every item is validated before
// anything is written: one bad item is a DRF 400 listing each item's
// errors by index, and nothing is stored. Then each trade is written
// (store.ImportTrade: a new trade_id is created, a known one keeps its id
// and created_at and is only rewritten, version bumped, when a field
// changed), and the answer is 201 {created, already_present}. Should a
// write fail midway, the request fails and re-sending it completes the
// import without duplicates. The writes are Service.Import's.
func handleImport(svc *Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, httpapi.MaxBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return err
			}
			return apierr.BadRequest("Could not read the request body.")
		}
		if err := httpapi.CheckUTF8(body); err != nil {
			return err
		}
		ts, bad := Parse(body)
		if bad != nil {
			return &apierr.Error{Kind: apierr.Invalid, Body: bad}
		}
		res, err := svc.Import(r.Context(), p.UserID, ts)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusCreated, res)
	}
}
