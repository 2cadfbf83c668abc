// Package emf writes CloudWatch Embedded Metric Format documents: one JSON
// line on stdout that CloudWatch Logs turns into metrics. No PutMetricData
// call, so no extra IAM grant and no latency added to a request or a run.
// Package schedule (runs) and package httpapi (requests) both emit through
// it, so there is one shape to keep right.
package emf

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"
)

// Namespace is where every Tranche metric lives.
const Namespace = "Tranche"

// Counts added from wherever the work happens (Add). The scheduled runs
// count their e-mails in the same names (package schedule).
const (
	MetricEmailsSent         = "SentEmails"
	MetricEmailsFailed       = "FailedSends"
	MetricInvestmentsCreated = "InvestmentsCreated"
)

// Metric is one value of a document.
type Metric struct {
	Name  string
	Unit  string // Count, Milliseconds, …
	Value float64
}

type metricDef struct {
	Name string `json:"Name"`
	Unit string `json:"Unit"`
}

type directive struct {
	Namespace  string      `json:"Namespace"`
	Dimensions [][]string  `json:"Dimensions"`
	Metrics    []metricDef `json:"Metrics"`
}

// Write writes one document. dims are the dimension sets, each a list of
// keys of props (a metric is published once per set); props become
// top-level members, so they are also searchable in Logs Insights. The
// timestamp should be the wall clock: CloudWatch refuses metrics dated far
// from now.
func Write(w io.Writer, dims [][]string, props map[string]string, metrics []Metric, t time.Time) error {
	doc := make(map[string]any, len(props)+len(metrics)+1)
	for k, v := range props {
		doc[k] = v
	}
	d := directive{Namespace: Namespace, Dimensions: dims}
	for _, m := range metrics {
		d.Metrics = append(d.Metrics, metricDef{m.Name, m.Unit})
		doc[m.Name] = m.Value
	}
	doc["_aws"] = map[string]any{"Timestamp": t.UnixMilli(), "CloudWatchMetrics": []directive{d}}
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// Counts gathers what one unit of work (a request) did, for its EMF line:
// code deep in a handler adds to the counts in its context, and the one
// who writes the line (httpapi.Wrap) reads them at the end. Without counts
// in the context, Add does nothing, so a caller that counts for itself
// (the scheduled runs) is not counted twice.
type Counts struct {
	mu sync.Mutex
	m  map[string]float64
}

type countsKey struct{}

// WithCounts returns ctx carrying fresh counts.
func WithCounts(ctx context.Context) (context.Context, *Counts) {
	c := &Counts{m: map[string]float64{}}
	return context.WithValue(ctx, countsKey{}, c), c
}

// Add adds n to the count name of ctx's counts, if any.
func Add(ctx context.Context, name string, n float64) {
	if c, ok := ctx.Value(countsKey{}).(*Counts); ok {
		c.mu.Lock()
		c.m[name] += n
		c.mu.Unlock()
	}
}

// Metrics are the counts as Count metrics, by name.
func (c *Counts) Metrics() []Metric {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Metric, 0, len(c.m))
	for name, v := range c.m {
		out = append(out, Metric{Name: name, Unit: "Count", Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
