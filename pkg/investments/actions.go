package investments

import (
	"net/http"

	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/model"
)

// handleAction runs one lifecycle action on an investment (Service.Act).
// An action the status does not allow is a 409 naming the status.
func handleAction(svc *Service, a model.Action) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, id, err := auth.WriterOn(r)
		if err != nil {
			return err
		}
		after, graph, err := svc.Act(r.Context(), p, id, a)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, after.View(graph.InInvestment()))
	}
}

// handleReconfirm records the investor's reconfirmation of a commitment
// after a material change of a Reg CF offering (Service.Reconfirm; 17 CFR
// 227.304(c)).
func handleReconfirm(svc *Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, id, err := auth.WriterOn(r)
		if err != nil {
			return err
		}
		after, graph, err := svc.Reconfirm(r.Context(), p, id)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, after.View(graph.InInvestment()))
	}
}
