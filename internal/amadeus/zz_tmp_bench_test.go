package amadeus

import (
	"bufio"
	"os"
	"syscall"
	"testing"
	"time"
)

func loadLines(b *testing.B) ([][]byte, int64) {
	f, err := os.Open("/tmp/raw.ndjson")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<26)
	var lines [][]byte
	var n int64
	for sc.Scan() {
		lines = append(lines, append([]byte(nil), sc.Bytes()...))
		n += int64(len(sc.Bytes()) + 1)
	}
	return lines, n
}

func BenchmarkTmpDecode(b *testing.B) {
	lines, n := loadLines(b)
	b.SetBytes(n)
	b.ReportAllocs()
	c0 := cpu()
	for b.Loop() {
		for _, l := range lines {
			if _, err := Decode(l); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/(cpu()-c0).Seconds()/1e6, "MB/cpu-s")
}

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkTmpObservations(b *testing.B) {
	lines, n := loadLines(b)
	var recs []*Record
	for _, l := range lines {
		r, _ := Decode(l)
		recs = append(recs, r)
	}
	b.SetBytes(n)
	b.ReportAllocs()
	c0 := cpu()
	for b.Loop() {
		for _, r := range recs {
			if _, _, err := r.Observations(); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/(cpu()-c0).Seconds()/1e6, "MB/cpu-s")
}
