package investments

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// editable are the statuses in which payment and signing details may
// change: until the payment is in.
func editable(status string) bool {
	return status == model.StatusStarted || status == model.StatusNotReceived
}

// watchlistForm is one AML screening result in a PATCH body; with an id it
// updates that screening (resolving a hit), without one it adds a new one.
type watchlistForm struct {
	id     *int64
	hits   *bool
	raw    model.RawJSON
	rawSet bool
	status *string
	prov   *string
}

func readWatchlist(f *model.Form) ([]watchlistForm, bool) {
	if !f.Has("watchlistentity_set") {
		return nil, false
	}
	var items []map[string]json.RawMessage
	raw := f.Raw("watchlistentity_set")
	if len(raw) == 0 || raw[0] != '[' || json.Unmarshal(raw, &items) != nil {
		f.Errors.Add("watchlistentity_set", "Expected a list of items.")
		return nil, false
	}
	var out []watchlistForm
	for i, m := range items {
		g := model.NewForm(m, false)
		var wf watchlistForm
		wf.id, _ = g.Int("id", model.Int{})
		wf.hits, _ = g.Bool("has_hits", wf.id == nil, false)
		wf.raw, wf.rawSet = g.JSON("watchlist_hits")
		wf.status, _ = g.String("ofac_fincen_status", model.Str{Nullable: true, AllowBlank: true, MaxLen: 50})
		wf.prov, _ = g.String("aml_provider", model.Str{Nullable: true, AllowBlank: true, MaxLen: 100})
		for k, msgs := range g.Errors {
			for _, msg := range msgs {
				f.Errors.Add(fmt.Sprintf("watchlistentity_set[%d].%s", i, k), msg)
			}
		}
		out = append(out, wf)
	}
	return out, true
}

// handleUpdate is PATCH /api/investments/{id}/: the body decoded here,
// the rules and the write in Service.Update. Amount, status and the other
// read-only fields are ignored, as DRF ignores read-only fields.
func handleUpdate(svc *Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, id, err := auth.WriterOn(r)
		if err != nil {
			return err
		}
		var raw map[string]json.RawMessage
		if err := httpapi.Decode(w, r, &raw); err != nil {
			return err
		}
		f := model.NewForm(raw, true)
		in := UpdateInput{details: readDetails(f)}
		in.watchlist, in.watchlistSet = readWatchlist(f)
		if err := apierr.Fields(f.Errors); err != nil {
			return err
		}
		after, graph, err := svc.Update(r.Context(), p, id, in)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, after.View(graph.InInvestment()))
	}
}

// applyWatchlist applies a PATCH's screening results to inv: an item with
// an id updates that screening, one without adds a new one.
func (s *Service) applyWatchlist(ctx context.Context, ws string, inv *model.Investment, items []watchlistForm) error {
	t := model.NewTime(now())
	var entity int64
	if graphs, err := s.investors.InvestorGraphs(ctx, ws, []int64{inv.Investor}); err == nil {
		if e := entityOf(graphs[inv.Investor]); e != nil {
			entity = e.ID
		}
	}
	for i, it := range items {
		if it.id != nil {
			found := false
			for j := range inv.WatchlistEntitySet {
				wle := &inv.WatchlistEntitySet[j]
				if wle.ID != *it.id {
					continue
				}
				found = true
				if it.hits != nil {
					wle.HasHits = *it.hits
				}
				if it.rawSet {
					wle.WatchlistHits = it.raw
				}
				if it.status != nil {
					wle.OFACFincenStatus = it.status
				}
				if it.prov != nil {
					wle.AMLProvider = it.prov
				}
				wle.UpdatedAt = &t
			}
			if !found {
				return apierr.Field(fmt.Sprintf("watchlistentity_set[%d].id", i), fmt.Sprintf("Invalid pk \"%d\" - object does not exist.", *it.id))
			}
			continue
		}
		wid, err := s.investing.NextID(ctx, ws, store.KindWatchlist)
		if err != nil {
			return err
		}
		inv.WatchlistEntitySet = append(inv.WatchlistEntitySet, model.Watchlist{
			ID: wid, Entity: entity, HasHits: *it.hits, WatchlistHits: it.raw,
			OFACFincenStatus: it.status, AMLProvider: it.prov, UpdatedAt: &t,
		})
	}
	return nil
}
