// Package investors serves /api/investors/ (seed 000): investors with their
// user and entities, limited to those an API key's scope has investments
// from.
//
// The writes (create, PATCH, accreditation verification) are the investor
// Service's (service.go), tested without HTTP; the handlers decode, call
// it and render.
//
// Beyond seed 000 (issue 16): GET and PUT
// /api/investors/{id}/accreditation/, the investor's accreditation
// verification record (230.506(c)(2)(ii)), written only by workspace write
// keys and OWNER/ADMIN sessions (accreditation.go).
package investors
