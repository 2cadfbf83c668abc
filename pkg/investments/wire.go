package investments

import (
	"encoding/json"
	"reflect"

	"github.com/tranche-dev/tranche/pkg/model"
)

// The response bodies of this package's routes, exported so that the
// OpenAPI document (pkg/schema) reads their schemas from the types the
// handlers write.

// Statuses is the data of GET /api/investments/statuses/.
type Statuses struct {
	Statuses []model.Choice `json:"statuses"`
}

// StatusesBody is the body of GET /api/investments/statuses/.
type StatusesBody struct {
	Success bool     `json:"success"`
	Message string   `json:"message"`
	Data    Statuses `json:"data"`
}

// ValuesEnvelope is the body of the values routes (investments and
// investors).
type ValuesEnvelope struct {
	Success bool       `json:"success"`
	Message string     `json:"message"`
	Data    ValuesBody `json:"data"`
}

// Summary names the body of GET /api/investments/summary/.
type Summary = summary

// EnvelopeError is the values routes' 400 body: {"success": false,
// "message": ..., "data": null}.
type EnvelopeError struct {
	Success bool            `json:"success"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// ObjectType marshals itself as a JSON object of the requested fields.
var ObjectType = reflect.TypeFor[Object]()

// The request bodies, for the OpenAPI document: the fields readDetails,
// readCreate and readWatchlist read with model.Form, with their types
// (the live test in infra/robust validates the good bodies against them).
// The handlers read the body field by field, as DRF's serializer does, so
// that each bad field gets its own message; these types only describe it.

// InvestmentDetails are the payment and signing fields of create and
// PATCH.
type InvestmentDetails struct {
	PaymentMethod          *string `json:"payment_method,omitempty"`
	RequestedPaymentMethod *string `json:"requested_payment_method,omitempty"`
	PaymentIntentID        *string `json:"payment_intent_id,omitempty"`
	ReferenceID            *string `json:"reference_id,omitempty"`
	InvestorIndividualName *string `json:"investor_individual_name,omitempty"`
	UserBrowserType        *string `json:"user_browser_type,omitempty"`
	BonusSharesCode        *string `json:"bonus_shares_code,omitempty"`
	HasInvestorSigned      bool    `json:"has_investor_signed,omitempty"`
}

// InvestmentCreate is the body of POST /api/investments/.
type InvestmentCreate struct {
	Offering                   int64        `json:"offering"`
	Investor                   int64        `json:"investor"`
	Quantity                   *int64       `json:"quantity,omitempty"`
	Amount                     *model.Money `json:"amount,omitempty"`
	PricePaymentProcessingFees *model.Money `json:"price_payment_processing_fees,omitempty"`
	InvestmentDetails
}

// WatchlistEntry is one AML screening result of a PATCH: with an id it
// updates that screening, without one it adds one (has_hits required).
type WatchlistEntry struct {
	ID               *int64        `json:"id,omitempty"`
	HasHits          bool          `json:"has_hits,omitempty"`
	WatchlistHits    model.RawJSON `json:"watchlist_hits,omitempty"`
	OfacFincenStatus *string       `json:"ofac_fincen_status,omitempty"`
	AMLProvider      *string       `json:"aml_provider,omitempty"`
}

// InvestmentUpdate is the body of PATCH /api/investments/{id}/.
type InvestmentUpdate struct {
	InvestmentDetails
	WatchlistEntitySet []WatchlistEntry `json:"watchlistentity_set,omitempty"`
}
