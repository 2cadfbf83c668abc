package investments

import (
	"net/http"
	"strconv"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// Audit page sizes: ?limit= (default and most).
const (
	auditDefaultLimit = 100
	auditMaxLimit     = 1000
)

// ServeAudit answers an audit route with a page of the trail of the
// object (kind INVESTMENT or OFFERING), after the caller's access to it
// was checked: ?limit= (1–1000, default 100) and ?after= (the opaque
// cursor of the previous page's next URL). Each page is one Query.
func ServeAudit(w http.ResponseWriter, r *http.Request, db *store.DB, ws, kind string, id int64) error {
	q := r.URL.Query()
	limit := auditDefaultLimit
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return apierr.Field("limit", "A valid integer is required.")
		}
		limit = min(n, auditMaxLimit)
	}
	after := q.Get("after")
	if len(after) > 200 {
		return apierr.Field("after", "Invalid cursor.")
	}
	recs, next, err := db.AuditPage(r.Context(), ws, kind, id, after, limit)
	if err != nil {
		return err
	}
	page := model.AuditPage{Results: make([]model.AuditEntry, 0, len(recs))}
	for _, rec := range recs {
		e := model.AuditEntry{Kind: rec.Kind, Object: rec.Object, Action: rec.Action, From: rec.From, To: rec.To,
			Actor: rec.Actor, At: rec.At, Detail: rec.Detail, Decision: rec.Decision}
		if rec.Investment != 0 {
			inv := rec.Investment
			e.Investment = &inv
		}
		page.Results = append(page.Results, e)
	}
	if next != "" {
		u := httpapi.BaseURL(r)
		v := r.URL.Query()
		v.Set("after", next)
		v.Set("limit", strconv.Itoa(limit))
		u.RawQuery = v.Encode()
		link := u.String()
		page.Next = &link
	}
	return httpapi.JSON(w, http.StatusOK, page)
}

// handleAudit is GET /api/investments/{id}/audit/: the investment's
// trail (its creation with the limit decision, every state change), for
// whoever may read the investment.
func handleAudit(db *store.DB) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		id, err := httpapi.PathID(r, "id")
		if err != nil {
			return err
		}
		inv, err := db.Investment(r.Context(), p.Workspace, id)
		if err != nil {
			return err
		}
		if !p.SeesOffering(inv.Offering, inv.Issuer) {
			return apierr.NotFoundError()
		}
		return ServeAudit(w, r, db, p.Workspace, "INVESTMENT", id)
	}
}
