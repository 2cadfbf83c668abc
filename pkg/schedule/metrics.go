package schedule

import (
	"time"

	"github.com/tranche-dev/tranche/pkg/emf"
)

// The run metrics, as CloudWatch Embedded Metric Format (package emf): one
// JSON line on stdout per run, which CloudWatch Logs turns into metrics in
// MetricNamespace with the dimension Function (reminders, summaries). The
// stack alarms on MetricDeadSends ≥ 1 (infra/stack).
const (
	MetricNamespace   = emf.Namespace
	MetricDimension   = "Function"
	MetricSent        = emf.MetricEmailsSent
	MetricFailedSends = emf.MetricEmailsFailed
	MetricDeadSends   = "DeadSends"
)

// emitMetrics writes the run's counts. The timestamp is the wall clock,
// not the run's clock: CloudWatch refuses metrics dated far from now, and
// a re-run of an old event (make invoke) must still be counted.
func (r *Runner) emitMetrics(function string, res Result, wall time.Time) {
	if r.Metrics == nil {
		return
	}
	_ = emf.Write(r.Metrics, [][]string{{MetricDimension}}, map[string]string{MetricDimension: function}, []emf.Metric{
		{Name: MetricSent, Unit: "Count", Value: float64(res.Sent)},
		{Name: MetricFailedSends, Unit: "Count", Value: float64(res.Failed)},
		{Name: MetricDeadSends, Unit: "Count", Value: float64(res.Dead)},
	}, wall)
}
