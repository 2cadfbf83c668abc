package investors

import "github.com/tranche-dev/tranche/pkg/model"

// InvestorWrite describes the body of POST /api/investors/ and PATCH
// /api/investors/{id}/ for the OpenAPI document (pkg/schema, as its
// Partial: no field required there, the handler says which are): the
// fields handleCreate and handleUpdate read with model.Form, the entity's
// as rendered. The live test in infra/robust validates the good bodies
// against it.
type InvestorWrite struct {
	User          int64                   `json:"user"`
	Type          string                  `json:"type"`
	ReceiveSMS    bool                    `json:"receive_sms"`
	ReceiveEmails bool                    `json:"receive_emails"`
	UTMParameters model.RawJSON           `json:"utm_parameters"`
	Entity        *model.EntityInInvestor `json:"entity"`
}
