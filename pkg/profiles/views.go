package profiles

import (
	"context"
	"errors"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// View is a profile as the API returns it: the seed's fields, the tax id
// masked, is_active, the W-9 (tax_status_documentation) and the active
// bank account, masked.
type View struct {
	ID                         int64   `json:"id"`
	UserID                     int64   `json:"user_id"`
	Type                       string  `json:"type"`
	Role                       string  `json:"role"`
	FirstName                  string  `json:"first_name"`
	LastName                   string  `json:"last_name"`
	Phone                      string  `json:"phone"`
	DateOfBirth                string  `json:"date_of_birth"`
	TaxID                      string  `json:"tax_id"` // masked: *****6789
	TaxIDType                  string  `json:"tax_id_type"`
	Address1                   string  `json:"address1"`
	Address2                   string  `json:"address2"`
	City                       string  `json:"city"`
	CountryID                  int64   `json:"country_id"`
	StateID                    *int64  `json:"state_id"`
	Zip                        string  `json:"zip"`
	AccreditedInvestorDocument []int64 `json:"accredited_investor_document"`

	EntityTypeID      *string `json:"entity_type_id"`
	TrustType         *string `json:"trust_type"`
	Passthrough       *string `json:"passthrough"`
	EntityName        *string `json:"entity_name"`
	StateOfFormation  *int64  `json:"state_of_formation"`
	BeneficialOwnerID *string `json:"beneficialOwnerID"`
	SignatoryID       *string `json:"signatoryID"`
	BusinessAddress1  *string `json:"business_address1"`
	BusinessAddress2  *string `json:"business_address2"`
	BusinessCity      *string `json:"business_city"`
	BusinessCountryID *int64  `json:"business_country_id"`
	BusinessStateID   *int64  `json:"business_state_id"`
	BusinessZip       *string `json:"business_zip"`

	IsActive               bool             `json:"is_active"`
	TaxStatusDocumentation TaxStatusView    `json:"tax_status_documentation"`
	BankAccount            *BankAccountView `json:"bank_account"`
	CreatedAt              model.Time       `json:"created_at"`
	UpdatedAt              model.Time       `json:"updated_at"`
}

// TaxStatusView is the profile's W-9. share_uuid is absent until the
// documents worker generated it (right after a POST, as the seed says).
type TaxStatusView struct {
	DocumentType string      `json:"document_type"` // W-9
	Status       string      `json:"status"`        // generating, generated, signed
	ShareUUID    *string     `json:"share_uuid,omitempty"`
	Version      int64       `json:"version"` // the profile version the document shows
	SignedAt     *model.Time `json:"signed_at"`
}

// BankAccountView is the active ACH account, the number masked.
type BankAccountView struct {
	AccountType       string     `json:"account_type"`
	AccountHolderName string     `json:"account_holder_name"`
	BankName          string     `json:"bank_name"`
	RoutingNumber     string     `json:"routing_number"`
	AccountNumber     string     `json:"account_number"` // masked
	LinkedAt          model.Time `json:"linked_at"`
}

// BankAccountRequest is POST bank-account's body (the OpenAPI document's
// schema; the service reads the fields one by one to report every error).
type BankAccountRequest struct {
	AccountType       string `json:"account_type"` // checking or savings
	RoutingNumber     string `json:"routing_number"`
	AccountNumber     string `json:"account_number"`
	AccountHolderName string `json:"account_holder_name,omitempty"`
	BankName          string `json:"bank_name,omitempty"`
}

// ShareLinkView is GET document-share-link's answer.
type ShareLinkView struct {
	ShareUUID string `json:"share_uuid"`
	EmbedLink string `json:"embed_link"`
	Signed    bool   `json:"signed"`
}

func newBankAccountView(a *store.BankAccount) BankAccountView {
	return BankAccountView{AccountType: a.AccountType, AccountHolderName: a.HolderName, BankName: a.BankName,
		RoutingNumber: a.Routing, AccountNumber: Mask("0000" + a.Account.Last4), LinkedAt: a.LinkedAt}
}

func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// view renders one profile with its W-9 state and bank account (lists
// read those in batches: renderPage).
func (s *Service) view(ctx context.Context, ws string, p *store.ProfileRecord) (*View, error) {
	var st *model.W9State
	if got, err := s.documents.W9State(ctx, ws, p.ID); err == nil {
		st = &got
	} else if !errors.Is(err, dynamo.ErrNotFound) {
		return nil, err
	}
	ba, err := s.profiles.ActiveBankAccount(ctx, ws, p.ID, false)
	if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
		return nil, err
	}
	v := render(p, st, ba)
	return &v, nil
}

func render(p *store.ProfileRecord, st *model.W9State, ba *store.BankAccount) View {
	v := View{
		ID: p.ID, UserID: p.User, Type: p.Type, Role: p.Role, FirstName: p.FirstName, LastName: p.LastName,
		Phone: p.Phone, DateOfBirth: p.DateOfBirth, TaxID: Mask("0000" + p.TIN.Last4), TaxIDType: p.TINKind,
		Address1: p.Address1, Address2: p.Address2, City: p.City, CountryID: p.CountryID, StateID: p.StateID, Zip: p.Zip,
		AccreditedInvestorDocument: append([]int64{}, p.AccreditedInvestorDocument...),
		EntityTypeID:               opt(p.EntityTypeID), TrustType: opt(p.TrustType), Passthrough: opt(p.Passthrough),
		EntityName: opt(p.EntityName), StateOfFormation: p.StateOfFormation,
		BeneficialOwnerID: opt(p.BeneficialOwnerID), SignatoryID: opt(p.SignatoryID),
		BusinessAddress1: opt(p.BusinessAddress1), BusinessAddress2: opt(p.BusinessAddress2), BusinessCity: opt(p.BusinessCity),
		BusinessCountryID: p.BusinessCountryID, BusinessStateID: p.BusinessStateID, BusinessZip: opt(p.BusinessZip),
		IsActive:  Complete(p),
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
		TaxStatusDocumentation: TaxStatusView{DocumentType: "W-9", Status: "generating", Version: p.Version},
	}
	if st != nil {
		u := st.ShareUUID
		v.TaxStatusDocumentation = TaxStatusView{DocumentType: "W-9", Status: "generated", ShareUUID: &u, Version: st.Version, SignedAt: st.SignedAt}
		if st.SignedAt != nil {
			v.TaxStatusDocumentation.Status = "signed"
		}
	}
	if ba != nil {
		b := newBankAccountView(ba)
		v.BankAccount = &b
	}
	return v
}
