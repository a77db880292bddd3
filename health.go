package warden

import "time"

// JobBacklog counts the jobs of one kind in one state of the job engine,
// with the earliest time one of them was due: available jobs that pile up,
// or whose oldest waits long, say that no node works them or that the
// nodes do not keep up (/readyz, /metrics).
type JobBacklog struct {
	State string    `json:"state"` // available, retryable, running or scheduled
	Kind  string    `json:"kind"`
	Jobs  int       `json:"jobs"`
	Due   time.Time `json:"due"` // the earliest scheduled time of these jobs
}
