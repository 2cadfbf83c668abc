package model

// W9SignRequest is the W-9 signing page's POST body as JSON (package
// documents). The page's own form sends the same fields urlencoded, with
// consent "yes".
type W9SignRequest struct {
	Name    string `json:"name"`    // the typed signature: the signer's full legal name
	Consent bool   `json:"consent"` // the Part II certification, agreed to
	SHA256  string `json:"sha256"`  // of the document shown: a changed document is not signed
}
