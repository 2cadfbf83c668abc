// Package offerings serves /api/offerings/ (seed 000): an issuer's
// offerings, as the issuer API key or the session user's workspace sees
// them.
//
// The writes (create, PATCH, open/pause/close, escrow close, refunds, the
// Reg CF actions and API keys) are the offering lifecycle Service's
// (service*.go): it owns the rules, the re-planning retries, the notices
// and the domain errors and is tested without HTTP; the handlers decode,
// call it and render.
//
// Beyond seed 000 (issue 16; README "Compliance routes"):
//
//	GET  /api/offerings/{id}/audit/               the offering's trail: state changes, every sale with its limit decision
//	POST /api/offerings/{id}/early-close/         Reg CF 227.304(b): an earlier deadline >= 5 business days ahead; e-mails investors
//	POST /api/offerings/{id}/material-change/     Reg CF 227.304(c): commitments must be reconfirmed within 5 business days
//	POST /api/offerings/{id}/cancel-unconfirmed/  Reg CF 227.304(c): cancels the commitments not reconfirmed in time
//
// The escrow close (escrow-close/) also waits for 227.303(a)'s 21 days
// after opened_at and for every pending reconfirmation.
package offerings
