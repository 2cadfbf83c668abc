package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/guregu/dynamo/v2"
)

func rateLimitPK(ws string) string { return kindPK(ws, "RATELIMIT") }

// bucketItem is one caller's token bucket: the tokens left at the instant
// at (Unix nanoseconds). Refill is computed on read, so an idle bucket is
// never written; its ttl lets DynamoDB drop it once it would be full.
type bucketItem struct {
	PK     string  `dynamo:"PK"`
	SK     string  `dynamo:"SK"`
	Tokens float64 `dynamo:"tokens"` // a rate, not money: float is fine
	At     int64   `dynamo:"at"`
	TTL    int64   `dynamo:"ttl"`
}

// Bucket is the outcome of one Take.
type Bucket struct {
	Allowed   bool
	Remaining int           // whole tokens left after this request
	Wait      time.Duration // refused: until one token is back
	Reset     time.Duration // until the bucket is full again
}

// Take spends one token of the bucket named key in the workspace's rate
// limit partition: capacity burst, refilled at rate tokens per second.
// The read and the conditional write (condition: the bucket's at did not
// move, or it did not exist) make concurrent requests of one caller
// serialise without a lock; a lost race re-reads and retries.
func (db RateLimitStore) Take(ctx context.Context, ws, key string, burst int, rate float64, now time.Time) (Bucket, error) {
	if burst < 1 || rate <= 0 {
		return Bucket{}, fmt.Errorf("store: rate limit: burst %d, rate %v", burst, rate)
	}
	capacity := float64(burst)
	for attempt := 0; ; attempt++ {
		var it bucketItem
		err := db.table.Get(AttrPK, rateLimitPK(ws)).Range(AttrSK, dynamo.Equal, key).Consistent(true).One(ctx, &it)
		exists := err == nil
		if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
			return Bucket{}, fmt.Errorf("store: rate limit: %w", err)
		}
		tokens := capacity
		if exists {
			elapsed := float64(now.UnixNano()-it.At) / float64(time.Second)
			tokens = math.Min(capacity, it.Tokens+math.Max(0, elapsed)*rate)
		}
		if tokens < 1 {
			wait := time.Duration((1 - tokens) / rate * float64(time.Second))
			reset := time.Duration((capacity - tokens) / rate * float64(time.Second))
			return Bucket{Remaining: 0, Wait: wait, Reset: reset}, nil
		}
		left := tokens - 1
		reset := time.Duration((capacity - left) / rate * float64(time.Second))
		next := bucketItem{PK: rateLimitPK(ws), SK: key, Tokens: left, At: now.UnixNano(), TTL: now.Add(reset).Add(time.Minute).Unix()}
		put := db.table.Put(next)
		if exists {
			put = put.If("$ = ?", "at", it.At)
		} else {
			put = put.If("attribute_not_exists(PK)")
		}
		err = put.Run(ctx)
		if err == nil {
			return Bucket{Allowed: true, Remaining: int(left), Reset: reset}, nil
		}
		if !dynamo.IsCondCheckFailed(err) {
			return Bucket{}, fmt.Errorf("store: rate limit: %w", err)
		}
		if attempt >= 10 {
			return Bucket{}, ErrBusy
		}
		if werr := backoff(ctx, attempt); werr != nil {
			return Bucket{}, werr
		}
	}
}
