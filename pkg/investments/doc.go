// Package investments serves /api/investments/ (seed 000): investments
// with their investor nested, the status list, and (in list.go, values.go,
// summary.go) the filtered list, distinct values and the summary.
//
// Creating an investment applies every offering and regulation rule
// (model.Regulations has each rule's unit and time): the per-issuer
// 12-month ceilings and the Reg CF per-person limit read the store's
// ledgers and write them back in the sale's transaction, and the sale's
// limit decision (decision.go) is stored with its audit record.
//
// The writes (create, the lifecycle actions, reconfirm, PATCH) are the
// investing Service's (service.go): it owns the rules, the re-planning
// retries and the domain errors and is tested without HTTP; the handlers
// decode, call it and render.
//
// Beyond seed 000 (issue 16; README "Compliance routes"):
//
//	GET  /api/investments/{id}/audit/      the investment's trail: its limit decision and every state change
//	POST /api/investments/{id}/reconfirm/  Reg CF 227.304(c): reconfirm a commitment after a material change
package investments
