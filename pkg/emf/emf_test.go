package emf

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// TestWrite: the document is what CloudWatch reads as EMF: _aws with the
// timestamp and one directive naming every metric, dimensions and values as
// top-level members.
func TestWrite(t *testing.T) {
	var b bytes.Buffer
	at := time.UnixMilli(1_700_000_000_000)
	if err := Write(&b, [][]string{{"Function"}}, map[string]string{"Function": "offerings"},
		[]Metric{{"Requests", "Count", 1}, {"Latency", "Milliseconds", 12.5}}, at); err != nil {
		t.Fatal(err)
	}
	if b.Bytes()[b.Len()-1] != '\n' || bytes.Count(b.Bytes(), []byte("\n")) != 1 {
		t.Fatalf("not one line: %q", b.String())
	}
	var doc map[string]any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"_aws": map[string]any{
			"Timestamp": float64(1_700_000_000_000),
			"CloudWatchMetrics": []any{map[string]any{
				"Namespace":  "Tranche",
				"Dimensions": []any{[]any{"Function"}},
				"Metrics": []any{
					map[string]any{"Name": "Requests", "Unit": "Count"},
					map[string]any{"Name": "Latency", "Unit": "Milliseconds"},
				},
			}},
		},
		"Function": "offerings", "Requests": 1.0, "Latency": 12.5,
	}
	if !reflect.DeepEqual(doc, want) {
		t.Errorf("got  %v\nwant %v", doc, want)
	}
}

func TestCounts(t *testing.T) {
	Add(context.Background(), "Ignored", 1) // no counts: a no-op
	ctx, c := WithCounts(context.Background())
	Add(ctx, "B", 1)
	Add(ctx, "A", 2)
	Add(ctx, "B", 1)
	want := []Metric{{"A", "Count", 2}, {"B", "Count", 2}}
	if got := c.Metrics(); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
