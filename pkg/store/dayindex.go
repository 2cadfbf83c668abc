package store

import (
	"context"
	"fmt"
	"time"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/model"
)

// The activity index: one small item per event time of an investment
// (created_at, received_at, invested_at), in a partition per offering,
// sorted by the event's UTC instant:
//
//	PK WS#<ws>#OFFERING#<o>#ACTIVITY   SK <UTC time, fixed width>#<created|received|invested>#pad(id)   attribute id
//
// "Today" in any time zone is a half-open range of UTC instants [local
// midnight, next local midnight), so the summary's *_today lines read one
// BETWEEN range of the offering's partition whatever the offering's
// default_timezone is. The keys do not depend on the zone: changing an
// offering's default_timezone needs no rebuild, DST days (23 or 25 hours)
// and zones off the hour are ranges like any other, and an offering whose
// zone changed is read in its new zone at once.
//
// The index names investments, nothing else: status and the time itself
// are read from the investment (BatchGet) when the summary is computed, so
// a cancel, a refund or any other status change needs no index write, and a
// stale entry (a time that moved) costs one read and is ignored.

// activityPK is an offering's activity partition.
func activityPK(ws string, offering int64) string {
	return fmt.Sprintf("WS#%s#OFFERING#%d#ACTIVITY", ws, offering)
}

// activityKinds are the event times indexed, in SK spelling.
var activityKinds = [3]string{"created", "received", "invested"}

// activityItem is one event of one investment.
type activityItem struct {
	PK string `dynamo:"PK"`
	SK string `dynamo:"SK"`
	ID int64  `dynamo:"id"`
}

func (a activityItem) keys() (string, string) { return a.PK, a.SK }

// activityTimes are an investment's indexed times by kind (nil when unset).
func activityTimes(inv *model.Investment) [3]*model.Time {
	if inv == nil {
		return [3]*model.Time{}
	}
	created := inv.CreatedAt
	var c *model.Time
	if !created.IsZero() {
		c = &created
	}
	return [3]*model.Time{c, inv.ReceivedAt, inv.InvestedAt}
}

func newActivityItem(ws string, inv *model.Investment, kind int, at model.Time) activityItem {
	return activityItem{
		PK: activityPK(ws, inv.Offering),
		SK: at.SortKey() + "#" + activityKinds[kind] + "#" + padID(inv.ID),
		ID: inv.ID,
	}
}

// activityItems are every index item of an investment (import, repair).
func activityItems(ws string, inv *model.Investment) []activityItem {
	var out []activityItem
	for k, at := range activityTimes(inv) {
		if at != nil {
			out = append(out, newActivityItem(ws, inv, k, *at))
		}
	}
	return out
}

// addActivity adds to a write transaction the index changes from before
// (nil on create) to after: a Put for each time that is set or moved, a
// Delete of the entry it moved from. Puts of the same key are idempotent,
// so a retried transaction writes the same items.
func (db InvestingStore) addActivity(t *txn, ws string, before, after *model.Investment) {
	b, a := activityTimes(before), activityTimes(after)
	for k := range a {
		if b[k] != nil && a[k] != nil && b[k].SortKey() == a[k].SortKey() && before.Offering == after.Offering {
			continue
		}
		if b[k] != nil {
			old := newActivityItem(ws, before, k, *b[k])
			t.delete(tagNone, db.table.Delete(AttrPK, old.PK).Range(AttrSK, old.SK))
		}
		if a[k] != nil {
			t.put(tagNone, db.table.Put(newActivityItem(ws, after, k, *a[k])))
		}
	}
}

// ActivityWindow is one offering's range of UTC instants, [From, To).
type ActivityWindow struct {
	Offering int64
	From, To time.Time
}

// InvestmentsActiveIn returns the investments with an indexed event
// (created, received, invested) in each offering's window: one Query of
// the offering's activity partition per window, then one BatchGet of the
// investments they name. The investments are as stored now; the caller
// decides from their times and statuses what counts. Reads are the events
// in the windows plus the distinct investments they name.
func (db InvestingStore) InvestmentsActiveIn(ctx context.Context, ws string, windows []ActivityWindow) ([]model.Investment, error) {
	var ids []int64
	for _, w := range windows {
		var items []activityItem
		var cc dynamo.ConsumedCapacity
		from, to := model.NewTime(w.From).SortKey(), model.NewTime(w.To).SortKey()
		// "<to>" sorts before every "<to>#…", so BETWEEN excludes To.
		err := db.table.Get(AttrPK, activityPK(ws, w.Offering)).
			Range(AttrSK, dynamo.Between, from, to).
			ConsumedCapacity(&cc).All(ctx, &items)
		record(ctx, len(items), &cc)
		if err != nil {
			return nil, fmt.Errorf("store: activity of offering %d: %w", w.Offering, err)
		}
		for _, it := range items {
			ids = append(ids, it.ID)
		}
	}
	got, err := batchGet[investmentItem](ctx, db.core, investmentPK(ws), ids)
	out := make([]model.Investment, len(got))
	for i := range got {
		out[i] = got[i].Investment
	}
	return out, err
}

// RebuildActivity writes the activity index items of an offering's
// investments (GSI1): a repair for investments stored before the index
// existed. Existing entries are overwritten with the same values; entries
// of times that moved are left (they are ignored when read).
func (db InvestingStore) RebuildActivity(ctx context.Context, ws string, offering int64) error {
	invs, err := db.investmentsOfOffering(ctx, ws, offering)
	if err != nil {
		return err
	}
	var items []any
	for i := range invs {
		for _, it := range activityItems(ws, &invs[i]) {
			items = append(items, it)
		}
	}
	if _, err := db.putAll(ctx, items, nil); err != nil {
		return fmt.Errorf("store: rebuild activity of offering %d: %w", offering, err)
	}
	return nil
}
