package investments

import "time"

// SetClock makes the write handlers and the summary read the clock f (for
// tests outside the package); the returned func restores both.
func SetClock(f func() time.Time) (restore func()) {
	oldNow, oldSummary := now, summaryNow
	now, summaryNow = f, f
	return func() { now, summaryNow = oldNow, oldSummary }
}
