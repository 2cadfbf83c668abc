package investments

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/filter"
	"github.com/tranche-dev/tranche/pkg/filter/py"
	"github.com/tranche-dev/tranche/pkg/listing"
)

// valueFields are the fields /api/investments/values/ accepts, each with
// how its value renders (as in the investment object: decimals as
// strings, datetimes in the wire form).
var valueFields = map[string]func(*row) any{
	"price_fees":                    func(r *row) any { return r.inv.PriceFees },
	"amount":                        func(r *row) any { return r.inv.Amount },
	"investor__type":                func(r *row) any { return jsonValue(r.Value("investor__type")) },
	"offering":                      func(r *row) any { return r.inv.Offering },
	"updated_at":                    func(r *row) any { return r.inv.UpdatedAt },
	"investor":                      func(r *row) any { return r.inv.Investor },
	"reference_id":                  func(r *row) any { return r.inv.ReferenceID },
	"price_payment_processing_fees": func(r *row) any { return r.inv.PricePaymentProcessingFees },
	"processing_issue_statuses":     func(r *row) any { return r.inv.ProcessingIssueStatuses },
	"status":                        func(r *row) any { return r.inv.Status },
	"created_at":                    func(r *row) any { return r.inv.CreatedAt },
	"requested_payment_method":      func(r *row) any { return r.inv.RequestedPaymentMethod },
	"id":                            func(r *row) any { return r.inv.ID },
}

func jsonValue(v filter.Value) any {
	if s, ok := v.Str(); ok {
		return s
	}
	return nil
}

// envelopeError is the values endpoints' 400: {"success": false,
// "message": msg, "data": null}.
func envelopeError(msg string) error {
	return &apierr.Error{Kind: apierr.Invalid, Body: EnvelopeError{Success: false, Message: msg}}
}

// ValueFields reads ?field= as the values endpoints do: the last value,
// split on commas, items stripped, blanks and duplicates dropped. It
// returns the 400 envelope when none is given or some are not allowed.
func ValueFields(query map[string][]string, allowed func(string) bool) ([]string, error) {
	vs := query["field"]
	var fields []string
	if len(vs) > 0 {
		for f := range strings.SplitSeq(vs[len(vs)-1], ",") {
			if f = py.Strip(f); f != "" && !slices.Contains(fields, f) {
				fields = append(fields, f)
			}
		}
	}
	if len(fields) == 0 {
		return nil, envelopeError("The 'field' query parameter is required.")
	}
	var bad []string
	for _, f := range fields {
		if !allowed(f) {
			bad = append(bad, f)
		}
	}
	if len(bad) > 0 {
		return nil, envelopeError("Invalid field(s): " + strings.Join(bad, ", ") + ".")
	}
	return fields, nil
}

// Object is a JSON object whose keys keep their order.
type Object struct {
	Keys   []string
	Values []any
}

// MarshalJSON writes the keys in order.
func (o Object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.Keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := json.Marshal(o.Values[i])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// tuple is one distinct row of values: what it renders and how it sorts.
type tuple struct {
	obj  Object
	vals map[string]filter.Value
}

func (t *tuple) Value(path string) filter.Value { return t.vals[path] }

// maxCachedTuples bounds a values answer kept in the read model's scratch
// memo: a few status/offering tuples are worth keeping for the next
// request, a distinct tuple per row (field=id) is not.
const maxCachedTuples = 4096

// DistinctOf selects t's rows matching q and returns how many matched and
// their distinct tuples of fields (Distinct), never nil. Small answers are
// memoized per state and query, so a repeated values request costs its
// rendering only.
func DistinctOf[R filter.Row](t listing.Table[R], q *filter.Query, fields []string, render func(R, string) any, value func(R, string) filter.Value) (int, []Object) {
	type answer struct {
		rows int
		vals []Object // nil: too large to keep
	}
	compute := func() answer {
		rows := listing.SelectOrdered(t, q, nil)
		vals := Distinct(rows, fields, render, value)
		if vals == nil {
			vals = []Object{}
		}
		return answer{len(rows), vals}
	}
	var fresh *answer
	a := t.Memo.Scratch(t.Key+"|values:"+strings.Join(fields, ",")+"|"+listing.QueryKey(q), func() any {
		a := compute()
		fresh = &a
		if len(a.vals) > maxCachedTuples {
			return answer{rows: a.rows}
		}
		return a
	}).(answer)
	switch {
	case fresh != nil:
		return fresh.rows, fresh.vals
	case a.vals == nil:
		a = compute()
	}
	return a.rows, a.vals
}

// Distinct returns the distinct tuples of fields over rows, ordered by the
// fields ascending (NULLs last), as .values(*fields).distinct()
// .order_by(*fields) does. render gives a field's JSON value; value its
// sort value.
//
// Two tuples are the same when their JSON is: each row's key is its
// values' JSON, written into one reused buffer (a json.Marshaler such as
// Money or Time is asked directly, scalars are formatted without
// reflection), and a tuple is built only for a key not seen before, so a
// values request over many rows with few distinct tuples allocates little.
func Distinct[R any](rows []R, fields []string, render func(R, string) any, value func(R, string) filter.Value) []Object {
	seen := map[string]bool{}
	var ts []*tuple
	var key []byte
	for _, r := range rows {
		key = key[:0]
		for _, f := range fields {
			key = appendJSON(key, render(r, f))
			key = append(key, 0) // no JSON text contains a raw NUL
		}
		if seen[string(key)] {
			continue
		}
		seen[string(key)] = true
		t := &tuple{obj: Object{Keys: fields, Values: make([]any, len(fields))}, vals: make(map[string]filter.Value, len(fields))}
		for i, f := range fields {
			t.obj.Values[i] = render(r, f)
			t.vals[f] = value(r, f)
		}
		ts = append(ts, t)
	}
	terms := make([]filter.Term, len(fields))
	for i, f := range fields {
		terms[i] = filter.Term{Path: f}
	}
	// Sort's tie-breaker reads "id": a tuple without that field answers
	// NULL, so distinct tuples are ordered by the fields alone.
	filter.Sort(ts, terms)
	out := make([]Object, len(ts))
	for i, t := range ts {
		out[i] = t.obj
	}
	return out
}

// appendJSON appends v's JSON encoding, as encoding/json writes it.
func appendJSON(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case bool:
		return strconv.AppendBool(b, x)
	case *string:
		if x == nil {
			return append(b, "null"...)
		}
		return appendJSON(b, *x)
	case json.Marshaler:
		if rv := reflect.ValueOf(x); rv.Kind() == reflect.Pointer && rv.IsNil() {
			return append(b, "null"...)
		}
		if out, err := x.MarshalJSON(); err == nil {
			return append(b, out...)
		}
	}
	out, _ := json.Marshal(v)
	return append(b, out...)
}

// ValuesBody is the values endpoints' 200 body.
type ValuesBody struct {
	Values []Object `json:"values"`
	Count  int      `json:"count"`
}
