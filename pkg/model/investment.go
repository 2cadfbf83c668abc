package model

// Investment is one investor's commitment to one offering, stored with every
// field of seed 000's investment object except the nested investor (kept as
// its id and joined on read), plus the three fields the filters, summary
// and values read that the object does not show.
type Investment struct {
	ID                                    int64       `json:"id" dynamo:"id"`
	Quantity                              int64       `json:"quantity" dynamo:"quantity"`
	Price                                 Money       `json:"price" dynamo:"price"`
	PriceFees                             Money       `json:"price_fees" dynamo:"price_fees"`
	PricePaymentProcessingFees            Money       `json:"price_payment_processing_fees" dynamo:"price_payment_processing_fees"`
	Amount                                Money       `json:"amount" dynamo:"amount"`
	Status                                string      `json:"status" dynamo:"status"`
	PaymentIntentID                       *string     `json:"payment_intent_id" dynamo:"payment_intent_id,allowempty"`
	Offering                              int64       `json:"offering" dynamo:"offering"`
	ReferenceID                           string      `json:"reference_id" dynamo:"reference_id,allowempty"`
	InvestorIndividualName                *string     `json:"investor_individual_name" dynamo:"investor_individual_name,allowempty"`
	Investor                              int64       `json:"investor" dynamo:"investor"`
	PaymentMethod                         *string     `json:"payment_method" dynamo:"payment_method,allowempty"`
	UpdatedAt                             Time        `json:"updated_at" dynamo:"updated_at"`
	HasInvestorSigned                     bool        `json:"has_investor_signed" dynamo:"has_investor_signed"`
	AccreditedInvestor                    *bool       `json:"accredited_investor" dynamo:"accredited_investor"`
	NetWorth                              *Money      `json:"net_worth" dynamo:"net_worth"`
	AnnualIncome                          *Money      `json:"annual_income" dynamo:"annual_income"`
	USPerson                              *bool       `json:"us_person" dynamo:"us_person"`
	ExemptFromBackupWithholding           *bool       `json:"exempt_from_backup_withholding" dynamo:"exempt_from_backup_withholding"`
	AmountInvestedInRegCFOfferingThisYear *Money      `json:"amount_invested_in_reg_cf_offering_this_year" dynamo:"amount_invested_in_reg_cf_offering_this_year"`
	UserBrowserType                       *string     `json:"user_browser_type" dynamo:"user_browser_type,allowempty"`
	AccreditedInvestorType                *string     `json:"accredited_investor_type" dynamo:"accredited_investor_type,allowempty"`
	ProcessedAt                           *Time       `json:"processed_at" dynamo:"processed_at"`
	BonusShares                           *int64      `json:"bonus_shares" dynamo:"bonus_shares"`
	ProcessingIssueStatuses               *string     `json:"processing_issue_statuses" dynamo:"processing_issue_statuses,allowempty"`
	SharesAmount                          *Money      `json:"shares_amount" dynamo:"shares_amount"`
	WatchlistEntitySet                    []Watchlist `json:"watchlistentity_set" dynamo:"watchlistentity_set"`
	BonusSharesCode                       *string     `json:"bonus_shares_code" dynamo:"bonus_shares_code,allowempty"`
	BonusSharesPercentageTier             *Money      `json:"bonus_shares_percentage_tier" dynamo:"bonus_shares_percentage_tier"`
	BonusSharesQuantityTier               *Money      `json:"bonus_shares_quantity_tier" dynamo:"bonus_shares_quantity_tier"`
	QuantityQualifiedShares               *int64      `json:"quantity_qualified_shares" dynamo:"quantity_qualified_shares"`
	PriceQualifiedShares                  *Money      `json:"price_qualified_shares" dynamo:"price_qualified_shares"`
	ReceivedAt                            *Time       `json:"received_at" dynamo:"received_at"`
	InvestedAt                            *Time       `json:"invested_at" dynamo:"invested_at"`
	RefundedAt                            *Time       `json:"refunded_at" dynamo:"refunded_at"`
	CreatedAt                             Time        `json:"created_at" dynamo:"created_at"`
	RequestedPaymentMethod                *string     `json:"requested_payment_method" dynamo:"requested_payment_method"`
	IsApproved                            *bool       `json:"is_approved" dynamo:"is_approved"`
	Issuer                                int64       `json:"-" dynamo:"issuer"` // the offering's issuer, for key scopes
	// Ledgers names the rolling-12-month ledgers the sale counts in (the
	// issuer's ceiling, the person's Reg CF purchases: CeilingLedger,
	// PersonLedger), fixed at creation so a later cancellation takes the
	// price out of the same ones. Storage's concern: never rendered.
	Ledgers []string `json:"-" dynamo:"ledgers,omitempty"`
	// ReconfirmBy is set when the offering changed materially after the
	// commitment (17 CFR 227.304(c)): the investor must reconfirm by then
	// or the commitment is cancelled. Beyond seed 000, never rendered in
	// the investment (its audit trail shows it).
	ReconfirmBy *Time `json:"-" dynamo:"reconfirm_by,omitempty"`
	Version     int64 `json:"-" dynamo:"version"`
}

// Watchlist is one AML watchlist screening of an investment's entity.
type Watchlist struct {
	ID               int64   `json:"id" dynamo:"id"`
	Entity           int64   `json:"entity" dynamo:"entity"`
	HasHits          bool    `json:"has_hits" dynamo:"has_hits"`
	WatchlistHits    RawJSON `json:"watchlist_hits" dynamo:"watchlist_hits"`
	OFACFincenStatus *string `json:"ofac_fincen_status" dynamo:"ofac_fincen_status,allowempty"`
	UpdatedAt        *Time   `json:"updated_at" dynamo:"updated_at"`
	AMLProvider      *string `json:"aml_provider" dynamo:"aml_provider,allowempty"`
}

// InvestmentStatuses are the 11 statuses of seed 000, in its order.
var InvestmentStatuses = []Choice{
	{"started", "Started"},
	{"not_received", "Not Received"},
	{"payment_failed", "Payment Failed"},
	{"received", "Received"},
	{"cancelled", "Cancelled"},
	{"refunded", "Refunded"},
	{"invested", "Invested"},
	{"approved", "Approved"},
	{"not_approved", "Not Approved"},
	{"accepted", "Accepted"},
	{"accepted_escrow_closed", "Accepted Escrow Closed"},
}

// RequestedPaymentMethods are the choices of requested_payment_method.
var RequestedPaymentMethods = []Choice{
	{"card", "Card"}, {"wire", "Wire"}, {"ira", "Ira"}, {"other", "Other"}, {"crypto", "Crypto"},
}
