package webhooks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tranche-dev/tranche/pkg/apierr"
)

// Bounds on what a Clerk event may put in the table. Ids and e-mail
// addresses become keys (a partition key holds at most 2,048 bytes, a sort
// key 1,024) and every value lands in one item (at most 400 KB): past
// these, the write failed with a 500 and the receipt was released, so Svix
// retried the delivery forever. Clerk's own limits are far below them
// (its ids are ~30 characters, its metadata at most 8 KB).
const (
	maxSvixIDLen  = 256
	maxClerkIDLen = 128
	maxNameLen    = 150 // Django's AbstractUser first_name, last_name, username
	maxEmailLen   = 254 // Django's EmailField
	maxURLLen     = 2048
	maxOrgNameLen = 256
	maxRoleLen    = 64
	maxMetadata   = 64 << 10 // bytes of compact JSON, per metadata field
)

// validSvixID reports whether a svix-id header can key a receipt.
func validSvixID(id string) bool {
	if len(id) > maxSvixIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= ' ' || id[i] >= 0x7f {
			return false
		}
	}
	return true
}

// validation collects DRF-style errors about an event's data; err renders
// them as {"data": {"field": ["message"]}}, the shape DRF gives a nested
// serializer's errors.
type validation map[string][]string

func (v validation) add(field, msg string) { v[field] = append(v[field], msg) }

func (v validation) maxLen(field, s string, n int) {
	if utf8.RuneCountInString(s) > n {
		v.add(field, fmt.Sprintf("Ensure this field has no more than %d characters.", n))
	}
}

// clerkID checks an id Clerk gives (user_…, org_…, orgmem_…): it keys
// items, so it must be short and must not contain the '#' that separates
// key parts.
func (v validation) clerkID(field, id string) {
	if len(id) > maxClerkIDLen {
		v.add(field, fmt.Sprintf("Ensure this field has no more than %d characters.", maxClerkIDLen))
		return
	}
	if strings.IndexFunc(id, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' || r == '-')
	}) >= 0 {
		v.add(field, "Enter a valid Clerk id.")
	}
}

// millis checks a Unix time in milliseconds: one past year 9999 (or
// before year 1) was stored as a time that cannot be read back, so every
// later event of that user answered 500 (issue 11, found by the
// robustness suite).
func (v validation) millis(field string, ms *int64) {
	if ms == nil {
		return
	}
	if y := time.UnixMilli(*ms).UTC().Year(); y < 1 || y > 9999 {
		v.add(field, "Enter a valid Unix time in milliseconds.")
	}
}

func (v validation) metadata(field string, raw json.RawMessage) {
	var buf bytes.Buffer
	if json.Compact(&buf, raw) == nil && buf.Len() > maxMetadata {
		v.add(field, fmt.Sprintf("Ensure this value has at most %d bytes.", maxMetadata))
	}
}

func (v validation) err() error {
	if len(v) == 0 {
		return nil
	}
	return &apierr.Error{Kind: apierr.Invalid, Body: map[string]any{"data": map[string][]string(v)}}
}
