package forms

import "github.com/tranche-dev/tranche/pkg/httpapi"

// AddRoutesForTest binds the group's routes without a store (binding only).
func AddRoutesForTest(rt *httpapi.Router) { addRoutes(rt, NewService(nil)) }
