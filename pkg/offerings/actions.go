package offerings

import (
	"net/http"

	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
)

// handleStatus runs open, pause or close (Service.Transition): 400 naming
// what opening lacks, 409 for an action the status does not allow.
func handleStatus(svc *Service, action string) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, id, err := auth.WriterOn(r)
		if err != nil {
			return err
		}
		out, err := svc.Transition(r.Context(), p, id, action)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, out)
	}
}

// handleEscrowClose closes a Reg CF offering's escrow
// (Service.EscrowClose).
func handleEscrowClose(svc *Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, id, err := auth.WriterOn(r)
		if err != nil {
			return err
		}
		out, err := svc.EscrowClose(r.Context(), p, id)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, out)
	}
}

// handleRefunds refunds what an offering's investments are owed
// (Service.Refunds).
func handleRefunds(svc *Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, id, err := auth.WriterOn(r)
		if err != nil {
			return err
		}
		out, err := svc.Refunds(r.Context(), p, id)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, out)
	}
}
