package hotline

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"warden"
)

// Metrics are the hotline's Prometheus series, for this process:
// warden_hotline_time_to_ack_seconds, a histogram of the time from an
// alert's raising to its acknowledgement, and warden_notifications_total,
// attempts by channel and outcome (delivered, failed, dead).
type Metrics struct {
	mu      sync.Mutex
	buckets []uint64 // per bound of ackBounds, not cumulative
	sum     float64
	n       uint64
	counts  map[[2]string]uint64 // channel, outcome
}

// ackBounds are the histogram's upper bounds, in seconds: a minute to
// four hours.
var ackBounds = []float64{60, 120, 300, 600, 900, 1800, 3600, 7200, 14400}

func newMetrics() *Metrics {
	return &Metrics{buckets: make([]uint64, len(ackBounds)), counts: map[[2]string]uint64{}}
}

func (m *Metrics) acknowledged(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v := d.Seconds()
	if i := sort.SearchFloat64s(ackBounds, v); i < len(ackBounds) {
		m.buckets[i]++
	}
	m.sum += v
	m.n++
}

func (m *Metrics) notification(ch warden.Channel, outcome warden.NotificationStatus) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.counts[[2]string{string(ch), string(outcome)}]++
}

// WriteTo writes the series in the Prometheus text format.
func (m *Metrics) WriteTo(w io.Writer) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var b strings.Builder
	b.WriteString("# HELP warden_hotline_time_to_ack_seconds Time from an alert's raising to its acknowledgement.\n")
	b.WriteString("# TYPE warden_hotline_time_to_ack_seconds histogram\n")
	var cum uint64
	for i, le := range ackBounds {
		cum += m.buckets[i]
		fmt.Fprintf(&b, "warden_hotline_time_to_ack_seconds_bucket{le=\"%g\"} %d\n", le, cum)
	}
	fmt.Fprintf(&b, "warden_hotline_time_to_ack_seconds_bucket{le=\"+Inf\"} %d\n", m.n)
	fmt.Fprintf(&b, "warden_hotline_time_to_ack_seconds_sum %g\n", m.sum)
	fmt.Fprintf(&b, "warden_hotline_time_to_ack_seconds_count %d\n", m.n)
	b.WriteString("# HELP warden_notifications_total Attempts to send notifications, by channel and outcome.\n")
	b.WriteString("# TYPE warden_notifications_total counter\n")
	keys := make([][2]string, 0, len(m.counts))
	for k := range m.counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i][0] < keys[j][0] || keys[i][0] == keys[j][0] && keys[i][1] < keys[j][1]
	})
	for _, k := range keys {
		fmt.Fprintf(&b, "warden_notifications_total{channel=%q,outcome=%q} %d\n", k[0], k[1], m.counts[k])
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}
