package loadgen

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"
)

// CPUSource names processes whose CPU time a run accounts: by pid (the
// server nodes) or by command name (every "postgres" process: the
// database's backends come and go).
type CPUSource struct {
	Label string
	PIDs  []int
	Comm  string
}

// cpuOf is the CPU time (user + system) the source's processes have used.
func cpuOf(src CPUSource) time.Duration {
	var total time.Duration
	for _, pid := range src.PIDs {
		if d, err := cpuTime(pid); err == nil {
			total += d
		}
	}
	if src.Comm != "" {
		paths, _ := filepath.Glob("/proc/[0-9]*/stat")
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				continue
			}
			open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
			if open < 0 || end < open || string(b[open+1:end]) != src.Comm {
				continue
			}
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(p)))
			if d, err := cpuTime(pid); err == nil {
				total += d
			}
		}
	}
	return total
}

// cpuMeter takes the sources' CPU time at the start and end of a window.
type cpuMeter struct {
	srcs  []CPUSource
	start []time.Duration
}

func (m *cpuMeter) begin() {
	m.start = make([]time.Duration, len(m.srcs))
	for i, s := range m.srcs {
		m.start[i] = cpuOf(s)
	}
}

// end returns the CPU seconds each source used since begin, by label.
func (m *cpuMeter) end() map[string]float64 {
	if m.start == nil {
		return nil
	}
	out := make(map[string]float64, len(m.srcs))
	for i, s := range m.srcs {
		out[s.Label] += (cpuOf(s) - m.start[i]).Seconds()
	}
	return out
}

// printCPU writes the CPU seconds of each measured process group in the
// measured window and their sum per 1,000 acknowledged messages.
func printCPU(w io.Writer, cpu map[string]float64, per1000 float64) {
	labels := make([]string, 0, len(cpu))
	for k := range cpu {
		labels = append(labels, k)
	}
	sort.Strings(labels)
	fmt.Fprint(w, "CPU seconds in the measured window:")
	for _, k := range labels {
		fmt.Fprintf(w, " %s %.2f", k, cpu[k])
	}
	fmt.Fprintf(w, "; %.3f CPU-s per 1,000 messages\n", per1000)
}
