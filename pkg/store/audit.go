package store

import (
	"context"
	"fmt"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/model"
)

// AuditRecord is one transition of an investment or offering: who, when,
// from, to.
type AuditRecord struct {
	PK     string     `dynamo:"PK" json:"-"`
	SK     string     `dynamo:"SK" json:"-"`
	Kind   string     `dynamo:"kind" json:"kind"` // INVESTMENT, OFFERING or INVESTOR
	Object int64      `dynamo:"object" json:"object"`
	Action string     `dynamo:"action" json:"action"`
	From   string     `dynamo:"from,allowempty" json:"from"`
	To     string     `dynamo:"to" json:"to"`
	Actor  string     `dynamo:"actor" json:"actor"`
	At     model.Time `dynamo:"at" json:"at"`
	// Investment names the sale of an offering's "sale" record.
	Investment int64 `dynamo:"investment,omitempty" json:"investment,omitempty"`
	// Decision is the limit decision of a sale: on the investment's
	// "create" record and the offering's "sale" record.
	Decision *model.LimitDecision `dynamo:"decision,omitempty" json:"decision,omitempty"`
	// Detail says more of an action (e.g. an early close's new deadline).
	Detail string `dynamo:"detail,omitempty" json:"detail,omitempty"`
}

func newAudit(ws, kind string, id int64, action, from, to, actor string, at model.Time, seq int) *AuditRecord {
	return &AuditRecord{
		PK: auditPK(ws, kind, id), SK: fmt.Sprintf("%s#%03d", at.SortKey(), seq),
		Kind: kind, Object: id, Action: action, From: from, To: to, Actor: actor, At: at,
	}
}

// AuditPage returns up to limit records of an object's trail after the
// sort key after ("" from the start), oldest first, and the sort key to
// continue from ("" at the end): one Query, whatever the trail's length.
func (db AuditStore) AuditPage(ctx context.Context, ws, kind string, id int64, after string, limit int) ([]AuditRecord, string, error) {
	q := db.table.Get(AttrPK, auditPK(ws, kind, id)).Consistent(true).Limit(limit + 1)
	if after != "" {
		q = q.Range(AttrSK, dynamo.Greater, after)
	}
	var out []AuditRecord
	if err := q.All(ctx, &out); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].SK
	}
	return out, next, nil
}

// AuditTrail returns an object's transitions, oldest first. kind is
// INVESTMENT, OFFERING or INVESTOR.
func (db AuditStore) AuditTrail(ctx context.Context, ws, kind string, id int64) ([]AuditRecord, error) {
	var out []AuditRecord
	err := db.table.Get(AttrPK, auditPK(ws, kind, id)).All(ctx, &out)
	return out, err
}
