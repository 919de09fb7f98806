package main

import (
	"slices"
	"syscall"
	"time"
)

// sortDurations sorts latencies in ascending order.
func sortDurations(d []time.Duration) { slices.Sort(d) }

// percentile returns the pct-th percentile of sorted latencies by nearest
// rank: the value at rank ceil(pct/100 × n), a latency that was measured.
func percentile(sorted []time.Duration, pct int) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	rank := (pct*n + 99) / 100
	return sorted[min(max(rank, 1), n)-1]
}

// selfCPU returns the CPU time, user and system, this process has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
