package store

import (
	"context"
	"time"

	"github.com/guregu/dynamo/v2"
)

// The persistence of Idempotency-Key records: claim, complete, release.
// The HTTP side (the middleware, the recorder, the replay) is
// httpapi.Idempotent's.

// IdempotencyTTL is how long a POST's first answer is kept for retries.
const IdempotencyTTL = 24 * time.Hour

// idempotencyItem is the first answer to a POST with an Idempotency-Key,
// keyed by workspace, caller (API key id or user) and the key.
type idempotencyItem struct {
	PK          string `dynamo:"PK"`
	SK          string `dynamo:"SK"`
	Fingerprint string `dynamo:"fingerprint"`
	Done        bool   `dynamo:"done"`
	Status      int    `dynamo:"status"`
	ContentType string `dynamo:"content_type,allowempty"`
	Body        []byte `dynamo:"body,allowempty"`
	TTL         int64  `dynamo:"ttl"`
}

// IdempotencyRecord is what a claim finds when a live record already
// holds the key: the first request's fingerprint and, once it completed,
// its answer.
type IdempotencyRecord struct {
	Fingerprint string
	Done        bool
	Status      int
	ContentType string
	Body        []byte
}

// IdempotencyReplayHeader marks a response replayed from the first answer
// (httpapi.IdempotencyReplayHeader is the same header; this name is kept
// for the tests that read it).
const IdempotencyReplayHeader = "Idempotent-Replayed"

// ClaimIdempotency records that a request with the key is under way, with
// its fingerprint, for IdempotencyTTL. If a live record exists it is
// returned (claimed false); an expired one is claimed over.
func (db IdempotencyStore) ClaimIdempotency(ctx context.Context, ws, actor, key, fp string, now time.Time) (*IdempotencyRecord, bool, error) {
	it := idempotencyItem{PK: idempotencyPK(ws, actor), SK: key, Fingerprint: fp, TTL: now.Add(IdempotencyTTL).Unix()}
	err := db.table.Put(it).If("attribute_not_exists(PK) OR $ < ?", AttrTTL, now.Unix()).Run(ctx)
	if err == nil {
		return nil, true, nil
	}
	if !dynamo.IsCondCheckFailed(err) {
		return nil, false, err
	}
	var have idempotencyItem
	if err := db.table.Get(AttrPK, it.PK).Range(AttrSK, dynamo.Equal, key).Consistent(true).One(ctx, &have); err != nil {
		return nil, false, err
	}
	return &IdempotencyRecord{Fingerprint: have.Fingerprint, Done: have.Done, Status: have.Status, ContentType: have.ContentType, Body: have.Body}, false, nil
}

// CompleteIdempotency stores the first request's answer on its record.
func (db IdempotencyStore) CompleteIdempotency(ctx context.Context, ws, actor, key string, status int, ctype string, body []byte) error {
	return db.table.Update(AttrPK, idempotencyPK(ws, actor)).Range(AttrSK, key).
		Set("done", true).Set("status", status).Set("content_type", ctype).Set("body", body).Run(ctx)
}

// ReleaseIdempotency deletes a record whose request failed on the server,
// so a retry runs it again.
func (db IdempotencyStore) ReleaseIdempotency(ctx context.Context, ws, actor, key string) error {
	return db.table.Delete(AttrPK, idempotencyPK(ws, actor)).Range(AttrSK, key).Run(ctx)
}
