package offerings

// The response bodies of this package's routes, exported so that the
// OpenAPI document (pkg/schema) reads their schemas from the types the
// handlers write (EscrowCloseResult and RefundsResult: service.go).

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
