package httpapi

import (
	"encoding/json"
	"fmt"
	"sort"
)

// MaxErrorBody bounds an error response's JSON. Field errors are keyed by
// what the client sent (unknown answer keys, unknown feature flags, list
// indexes), so a 1 MiB body of short unknown keys would answer about
// 6 MiB of errors: past Lambda's 6 MB response limit, which the gateway
// turns into a 502 instead of the client's 400. Past the bound the body
// keeps the first fields (in key order) that fit and says how many more
// have errors, in the same DRF shape.
const MaxErrorBody = 256 << 10

// encodeErrors is an error body's JSON, bounded: the body as is up to
// MaxErrorBody; past it, an object body (field errors, nested field
// errors, 422 violation maps: what grows with the input) keeps the first
// fields that fit and a note of the rest.
func encodeErrors(body any) ([]byte, error) {
	b, err := encodeJSON(body)
	if err != nil || len(b) <= MaxErrorBody {
		return b, err
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(b, &fields) != nil {
		return b, nil
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		if k != "non_field_errors" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	out := map[string]json.RawMessage{}
	size, budget := 0, MaxErrorBody-1024 // room for the closing note
	var rest []string
	if nf, ok := fields["non_field_errors"]; ok && len(nf) < budget/2 {
		var msgs []string
		if json.Unmarshal(nf, &msgs) == nil {
			rest = msgs
			size += len(nf)
		}
	}
	shown := 0
	for _, k := range keys {
		n := len(k) + len(fields[k]) + 4
		if size+n > budget {
			break
		}
		out[k] = fields[k]
		size += n
		shown++
	}
	rest = append(rest, fmt.Sprintf("%d more fields have errors; these are the first %d.", len(keys)-shown, shown))
	note, _ := encodeJSON(rest)
	out["non_field_errors"] = note
	return encodeJSON(out)
}
