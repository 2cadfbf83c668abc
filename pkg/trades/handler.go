package trades

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sort"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/identity"
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
	rt.HandleFunc("POST /api/v1/ibkr/trades/", handleImport(db, identity.NewService(db, identity.SystemClock)))
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
// import without duplicates.
func handleImport(db *store.DB, ids *identity.Service) httpapi.HandlerFunc {
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
		// A trade names its owner by the identity's UUID (seed 003's "user").
		id, err := ids.Caller(r.Context(), p.UserID)
		if err != nil {
			return err
		}
		for i := range ts {
			ts[i].User = id.UUID
		}
		res, err := importAll(r.Context(), db, p.UserID, ts)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusCreated, res)
	}
}

// importAll writes the trades in the order given, so that new trades get
// ids (and the list its order) in the order of the import.
func importAll(ctx context.Context, db *store.DB, clerkID string, ts []store.Trade) (importResult, error) {
	var res importResult
	for i := range ts {
		created, err := importOne(ctx, db, clerkID, &ts[i])
		if err != nil {
			return res, err
		}
		if created {
			res.Created++
		} else {
			res.AlreadyPresent++
		}
	}
	return res, nil
}

// importOne writes one trade, retrying once when a concurrent import of
// the same trade_id won the race.
func importOne(ctx context.Context, db *store.DB, clerkID string, t *store.Trade) (bool, error) {
	for attempt := 0; ; attempt++ {
		created, err := db.ImportTrade(ctx, clerkID, t)
		if errors.Is(err, store.ErrStale) && attempt == 0 {
			continue
		}
		// A second loss is httpapi.WriteError's 409.
		return created, err
	}
}
