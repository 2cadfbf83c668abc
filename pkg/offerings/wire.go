package offerings

// The response bodies of this package's routes, exported so that the
// OpenAPI document (pkg/schema) reads their schemas from the types the
// handlers write.

// EscrowCloseResult is the body of POST /api/offerings/{id}/escrow-close/.
type EscrowCloseResult struct {
	Offering     int64   `json:"offering"`
	EscrowClosed int     `json:"escrow_closed"`
	Investments  []int64 `json:"investments"` // the ids moved
}

// RefundsResult is the body of POST /api/offerings/{id}/refunds/.
type RefundsResult struct {
	Offering      int64   `json:"offering"`
	Refunded      int     `json:"refunded"`
	FailedMinimum bool    `json:"failed_minimum"`
	Investments   []int64 `json:"investments"` // the ids refunded
}

// KeyList is the body of GET /api/offerings/{id}/api-keys/.
type KeyList struct {
	Count   int       `json:"count"`
	Results []KeyView `json:"results"`
}

// KeyView and MintedKey name the key bodies for the document.
type (
	KeyView   = keyView
	MintedKey = mintedView
)
