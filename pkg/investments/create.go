package investments

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/emf"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/model"
)

// now is the clock of the write handlers (a variable for tests).
var now = time.Now

func invalidPK(field string, id int64) error {
	return apierr.Field(field, fmt.Sprintf("Invalid pk \"%d\" - object does not exist.", id))
}

// CreateInput is what starting an investment takes: POST
// /api/investments/'s body, decoded and field-checked (readCreate).
type CreateInput struct {
	Offering, Investor int64
	// Quantity or Amount prices the sale (one of them is required).
	Quantity       *int64
	Amount         *model.Money
	ProcessingFees model.Money
	// details are the optional payment and signing fields.
	details details
}

// createForm is the body of POST /api/investments/ as read (readCreate).
type createForm struct {
	offering, investor int64
	quantity           *int64
	amount             *model.Money
	processing         model.Money
	details            details
}

// input is the service's input the form says.
func (c *createForm) input() CreateInput {
	return CreateInput{Offering: c.offering, Investor: c.investor, Quantity: c.quantity, Amount: c.amount, ProcessingFees: c.processing, details: c.details}
}

// details are the payment and signing fields a client may set on create
// and, while the investment is editable, on PATCH.
type details struct {
	set                    map[string]bool
	paymentMethod          *string
	requestedPaymentMethod *string
	paymentIntentID        *string
	referenceID            *string
	individualName         *string
	browser                *string
	hasSigned              *bool
	bonusCode              *string
}

func readDetails(f *model.Form) details {
	d := details{set: map[string]bool{}}
	str := func(name string, max int, dst **string) {
		if v, set := f.String(name, model.Str{Nullable: true, AllowBlank: true, MaxLen: max}); set {
			*dst = v
			d.set[name] = true
		}
	}
	str("payment_method", 50, &d.paymentMethod)
	if v, set := f.String("requested_payment_method", model.Str{Nullable: true, Choices: model.RequestedPaymentMethods}); set {
		d.requestedPaymentMethod = v
		d.set["requested_payment_method"] = true
	}
	str("payment_intent_id", 255, &d.paymentIntentID)
	str("reference_id", 255, &d.referenceID)
	str("investor_individual_name", 255, &d.individualName)
	str("user_browser_type", 255, &d.browser)
	str("bonus_shares_code", 100, &d.bonusCode)
	if v, set := f.Bool("has_investor_signed", false, false); set {
		d.hasSigned = v
		d.set["has_investor_signed"] = true
	}
	return d
}

func (d details) apply(inv *model.Investment) {
	if d.set["payment_method"] {
		inv.PaymentMethod = d.paymentMethod
	}
	if d.set["requested_payment_method"] {
		inv.RequestedPaymentMethod = d.requestedPaymentMethod
	}
	if d.set["payment_intent_id"] {
		inv.PaymentIntentID = d.paymentIntentID
	}
	if d.set["reference_id"] {
		inv.ReferenceID = ""
		if d.referenceID != nil {
			inv.ReferenceID = *d.referenceID
		}
	}
	if d.set["investor_individual_name"] {
		inv.InvestorIndividualName = d.individualName
	}
	if d.set["user_browser_type"] {
		inv.UserBrowserType = d.browser
	}
	if d.set["bonus_shares_code"] {
		inv.BonusSharesCode = d.bonusCode
	}
	if d.set["has_investor_signed"] {
		inv.HasInvestorSigned = *d.hasSigned
	}
}

var zero = model.MustMoney("0")

func readCreate(w http.ResponseWriter, r *http.Request) (*createForm, error) {
	var raw map[string]json.RawMessage
	if err := httpapi.Decode(w, r, &raw); err != nil {
		return nil, err
	}
	f := model.NewForm(raw, false)
	c := &createForm{}
	one := int64(1)
	if v, _ := f.Int("offering", model.Int{Required: true, Min: &one}); v != nil {
		c.offering = *v
	}
	if v, _ := f.Int("investor", model.Int{Required: true, Min: &one}); v != nil {
		c.investor = *v
	}
	c.quantity, _ = f.Int("quantity", model.Int{Min: &one})
	c.amount, _ = f.Money("amount", model.Dec{Min: &zero})
	if v, _ := f.Money("price_payment_processing_fees", model.Dec{Min: &zero}); v != nil {
		c.processing = *v
	}
	c.details = readDetails(f)
	if c.quantity == nil && c.amount == nil && !f.Errors.Has("quantity") && !f.Errors.Has("amount") {
		f.Errors.Add("quantity", model.MsgRequired)
	}
	if err := apierr.Fields(f.Errors); err != nil {
		return nil, err
	}
	return c, nil
}

// handleCreate starts an investment: the body decoded here, every rule
// and the write in Service.Create.
func handleCreate(svc *Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Writer(r)
		if err != nil {
			return err
		}
		c, err := readCreate(w, r)
		if err != nil {
			return err
		}
		inv, graph, err := svc.Create(r.Context(), p, c.input())
		if err != nil {
			return err
		}
		emf.Add(r.Context(), emf.MetricInvestmentsCreated, 1)
		return httpapi.JSON(w, http.StatusCreated, inv.View(graph.InInvestment()))
	}
}
