package model

import "encoding/json"

// Offering is an issuer's raise, with every field of seed 000's offering
// object in the document's order. Pointers are the fields that may be null.
type Offering struct {
	ID                                int64      `json:"id" dynamo:"id"`
	Issuer                            int64      `json:"issuer" dynamo:"issuer"`
	Name                              string     `json:"name" dynamo:"name,allowempty"`
	Type                              string     `json:"type" dynamo:"type"`
	Status                            string     `json:"status" dynamo:"status"`
	Description                       *string    `json:"description" dynamo:"description,allowempty"`
	SecurityType                      *string    `json:"security_type" dynamo:"security_type,allowempty"`
	ShareOrUnit                       *string    `json:"share_or_unit" dynamo:"share_or_unit,allowempty"`
	ShareOrUnitDetails                *string    `json:"share_or_unit_details" dynamo:"share_or_unit_details,allowempty"`
	WarrantPerUnit                    *int64     `json:"warrant_per_unit" dynamo:"warrant_per_unit"`
	WarrantExpirationDateDeltaYear    *int64     `json:"warrant_expiration_date_delta_year" dynamo:"warrant_expiration_date_delta_year"`
	WarrantExpirationDateDeltaMonth   *int64     `json:"warrant_expiration_date_delta_month" dynamo:"warrant_expiration_date_delta_month"`
	DollarAmountInvestment            bool       `json:"dollar_amount_investment" dynamo:"dollar_amount_investment"`
	UnitPrice                         *Money     `json:"unit_price" dynamo:"unit_price"`
	AdministrativeFees                *Money     `json:"administrative_fees" dynamo:"administrative_fees"`
	AdministrativeFeesPaidByInvestor  bool       `json:"administrative_fees_paid_by_investor" dynamo:"administrative_fees_paid_by_investor"`
	NumberOfShares                    *int64     `json:"number_of_shares" dynamo:"number_of_shares"`
	MaxInvestmentAmount               *Money     `json:"max_investment_amount" dynamo:"max_investment_amount"`
	MinInvestmentAmount               *Money     `json:"min_investment_amount" dynamo:"min_investment_amount"`
	InvestmentIncrementAmount         *Money     `json:"investment_increment_amount" dynamo:"investment_increment_amount"`
	MinimumWireTransferAmount         *Money     `json:"minimum_wire_transfer_amount" dynamo:"minimum_wire_transfer_amount"`
	ContactName                       *string    `json:"contact_name" dynamo:"contact_name,allowempty"`
	ContactTitle                      *string    `json:"contact_title" dynamo:"contact_title,allowempty"`
	ContactPhone                      *string    `json:"contact_phone" dynamo:"contact_phone,allowempty"`
	ContactEmail                      *string    `json:"contact_email" dynamo:"contact_email,allowempty"`
	AccreditedInvestors               bool       `json:"accredited_investors" dynamo:"accredited_investors"`
	NonAccreditedInvestors            bool       `json:"non_accredited_investors" dynamo:"non_accredited_investors"`
	Slug                              string     `json:"slug" dynamo:"slug,allowempty"`
	Logo                              *string    `json:"logo" dynamo:"logo,allowempty"`
	Favicon                           *string    `json:"favicon" dynamo:"favicon,allowempty"`
	CircularLink                      *string    `json:"circular_link" dynamo:"circular_link,allowempty"`
	CircularFile                      *string    `json:"circular_file" dynamo:"circular_file,allowempty"`
	CircularType                      *string    `json:"circular_type" dynamo:"circular_type,allowempty"`
	DisplayCircular                   bool       `json:"display_circular" dynamo:"display_circular"`
	DisplayedNumberOfShares           RawJSON    `json:"displayed_number_of_shares" dynamo:"displayed_number_of_shares"`
	SigningFullName                   *string    `json:"signing_full_name" dynamo:"signing_full_name,allowempty"`
	SigningTitle                      *string    `json:"signing_title" dynamo:"signing_title,allowempty"`
	SigningEmail                      *string    `json:"signing_email" dynamo:"signing_email,allowempty"`
	SupportEmail                      *string    `json:"support_email" dynamo:"support_email,allowempty"`
	SupportPhone                      *string    `json:"support_phone" dynamo:"support_phone,allowempty"`
	DailySummaryEmails                bool       `json:"daily_summary_emails" dynamo:"daily_summary_emails"`
	DailySummaryRecipients            *string    `json:"daily_summary_recipients" dynamo:"daily_summary_recipients,allowempty"`
	WeeklySummaryEmails               bool       `json:"weekly_summary_emails" dynamo:"weekly_summary_emails"`
	WeeklySummaryRecipients           *string    `json:"weekly_summary_recipients" dynamo:"weekly_summary_recipients,allowempty"`
	WireEmailReminderPeriod           *int64     `json:"wire_email_reminder_period" dynamo:"wire_email_reminder_period"`
	WireEmailReminderMaxSent          *int64     `json:"wire_email_reminder_max_sent" dynamo:"wire_email_reminder_max_sent"`
	InvestmentEmailReminderPeriod     *int64     `json:"investment_email_reminder_period" dynamo:"investment_email_reminder_period"`
	InvestmentEmailReminderMaxSent    *int64     `json:"investment_email_reminder_max_sent" dynamo:"investment_email_reminder_max_sent"`
	MessagingConsentText              *string    `json:"messaging_consent_text" dynamo:"messaging_consent_text,allowempty"`
	EmailSenderName                   *string    `json:"email_sender_name" dynamo:"email_sender_name,allowempty"`
	DefaultTimezone                   string     `json:"default_timezone" dynamo:"default_timezone"`
	SegmentDatasetID                  *string    `json:"segment_dataset_id" dynamo:"segment_dataset_id,allowempty"`
	AutoApproveInvestments            bool       `json:"auto_approve_investments" dynamo:"auto_approve_investments"`
	AutoAcceptInvestments             bool       `json:"auto_accept_investments" dynamo:"auto_accept_investments"`
	AutoAcceptMaxAmount               *Money     `json:"auto_accept_max_amount" dynamo:"auto_accept_max_amount"`
	AutoAcceptMinAmount               *Money     `json:"auto_accept_min_amount" dynamo:"auto_accept_min_amount"`
	EmailInvestmentStartedHighValue   bool       `json:"email_investment_started_high_value" dynamo:"email_investment_started_high_value"`
	EmailInvestmentStartedThreshold   *Money     `json:"email_investment_started_threshold" dynamo:"email_investment_started_threshold"`
	EnableTestTheWaters               bool       `json:"enable_test_the_waters" dynamo:"enable_test_the_waters"`
	DisplayedTestTheWatersAmounts     RawJSON    `json:"displayed_test_the_waters_amounts" dynamo:"displayed_test_the_waters_amounts"`
	AccentColor                       *string    `json:"accent_color" dynamo:"accent_color,allowempty"`
	BackgroundAccentColor             *string    `json:"background_accent_color" dynamo:"background_accent_color,allowempty"`
	ActivityAccentColor               *string    `json:"activity_accent_color" dynamo:"activity_accent_color,allowempty"`
	PerInvestmentSummaryEmails        bool       `json:"per_investment_summary_emails" dynamo:"per_investment_summary_emails"`
	PerInvestmentSummaryRecipients    *string    `json:"per_investment_summary_recipients" dynamo:"per_investment_summary_recipients,allowempty"`
	UserSentMaxMonitoringEmails       bool       `json:"user_sent_max_monitoring_emails" dynamo:"user_sent_max_monitoring_emails"`
	UserSentMaxMonitoringRecipients   *string    `json:"user_sent_max_monitoring_recipients" dynamo:"user_sent_max_monitoring_recipients,allowempty"`
	OtherPlatformInvestmentNotice     bool       `json:"other_platform_investment_notice" dynamo:"other_platform_investment_notice"`
	OtherPlatformInvestmentNoticeText *string    `json:"other_platform_investment_notice_text" dynamo:"other_platform_investment_notice_text,allowempty"`
	InvestorPhoneNumberRequired       bool       `json:"investor_phone_number_required" dynamo:"investor_phone_number_required"`
	MinimumAmountRaised               *Money     `json:"minimum_amount_raised" dynamo:"minimum_amount_raised"`
	RegCFAmountRaisedTier             *string    `json:"reg_cf_amount_raised_tier" dynamo:"reg_cf_amount_raised_tier,allowempty"`
	MaximumAmountRaised               *Money     `json:"maximum_amount_raised" dynamo:"maximum_amount_raised"`
	RegCFOversubscription             *string    `json:"reg_cf_oversubscription" dynamo:"reg_cf_oversubscription,allowempty"`
	RegCFFeePercentage                *Money     `json:"reg_cf_fee_percentage" dynamo:"reg_cf_fee_percentage"`
	Archived                          bool       `json:"archived" dynamo:"archived"`
	InvestorsExcludedCountries        StringList `json:"investors_excluded_countries" dynamo:"investors_excluded_countries"`
	InvestorsIncludedCountries        StringList `json:"investors_included_countries" dynamo:"investors_included_countries"`
	DisplayLogoDuringInvestment       *string    `json:"display_logo_during_investment" dynamo:"display_logo_during_investment,allowempty"`
	DisplayLogoOnDashboard            bool       `json:"display_logo_on_dashboard" dynamo:"display_logo_on_dashboard"`
	DeadlineDate                      *Date      `json:"deadline_date" dynamo:"deadline_date"`
	CreatedAt                         Time       `json:"created_at" dynamo:"created_at"`
	OpenedAt                          *Time      `json:"opened_at" dynamo:"opened_at"`
	// RegATier is beyond seed 000: a reg_a offering's tier (1 or 2), which
	// picks its rules (RegulationFor); null for other types.
	RegATier *int64 `json:"reg_a_tier" dynamo:"reg_a_tier"`
	// AccreditationVerificationRequired is beyond seed 000 (default
	// false): the offering takes an investor's accreditation (which exempts
	// it from investor limits and from 506(b)'s count) only on a
	// verification record valid on the day of the sale, the standard of
	// 230.506(c)(2)(ii); a 506(c) offering requires one whatever this says.
	AccreditationVerificationRequired bool `json:"accreditation_verification_required" dynamo:"accreditation_verification_required"`
}

// MarshalJSON renders the offering with its effective reg_a_tier, so a
// reg_a offering stored before the field existed (none set: Tier 2, as
// RegulationFor reads it) shows 2 rather than null.
func (o Offering) MarshalJSON() ([]byte, error) {
	type plain Offering // without this method
	p := plain(o)
	if p.Type == TypeRegA && p.RegATier == nil {
		t := DefaultRegATier
		p.RegATier = &t
	}
	return json.Marshal(p)
}

// Offering types (seed 000), in the document's order.
var OfferingTypes = []Choice{
	{"reg_a", "Regulation A"},
	{"reg_d_506b", "Regulation D 506(b)"},
	{"reg_d_506c", "Regulation D 506(c)"},
	{"reg_s", "Regulation S"},
	{"reg_cf", "Regulation Crowdfunding"},
	{"test_the_waters", "Test The Waters"},
}

// Offering statuses (seed 000). "Imcomplete" is the document's own label.
var OfferingStatuses = []Choice{
	{"incomplete", "Imcomplete"},
	{"pending", "Pending"},
	{"opened", "Opened"},
	{"closed", "Closed"},
	{"paused", "Paused"},
}

// Choice is one value of an enumerated field with its label.
type Choice struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// HasChoice reports whether v is one of the choices' values.
func HasChoice(cs []Choice, v string) bool {
	for _, c := range cs {
		if c.Value == v {
			return true
		}
	}
	return false
}
