package store

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/krisenstab/krisenstab/crisis"
)

func reportPercentiles(b *testing.B, d []time.Duration) {
	slices.Sort(d)
	if len(d) == 0 {
		return
	}
	b.ReportMetric(float64(d[len(d)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(d[len(d)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkCommit measures one synced command commit: one event, its room
// notice, the incident's reminders.
func BenchmarkCommit(b *testing.B) {
	s := open(b, b.TempDir(), 1000)
	defer s.Close()
	st := commit(b, s, change(b, crisis.State{}, "inc", t0, opened("inc")))
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		c := change(b, st, "inc", t0, crisis.Logged{Text: fmt.Sprint("entry ", i)})
		start := time.Now()
		if err := s.Commit(ctx, c); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
		st = c.State
	}
	reportPercentiles(b, lat)
}

// BenchmarkCommitParallel measures commits of 16 incidents at once (Badger
// groups concurrent synced commits into one fsync).
func BenchmarkCommitParallel(b *testing.B) {
	s := open(b, b.TempDir(), 1000)
	defer s.Close()
	const n = 16
	states := make([]crisis.State, n)
	for i := range n {
		id := crisis.IncidentID(fmt.Sprint("inc-", i))
		states[i] = commit(b, s, change(b, crisis.State{}, id, t0, opened(id)))
	}
	var mu sync.Mutex
	var lat []time.Duration
	b.ResetTimer()
	var wg sync.WaitGroup
	per := b.N/n + 1
	for i := range n {
		wg.Go(func() {
			st := states[i]
			for j := range per {
				c := change(b, st, st.ID, t0, crisis.Logged{Text: fmt.Sprint(j)})
				start := time.Now()
				if err := s.Commit(ctx, c); err != nil {
					b.Error(err)
					return
				}
				d := time.Since(start)
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
				st = c.State
			}
		})
	}
	wg.Wait()
	reportPercentiles(b, lat)
}

// bigStore builds (once per process) a store with 1,000,000 events over
// 100 incidents, or reuses KRISENSTAB_BENCH_DIR if it holds one.
var bigOnce sync.Once
var bigDir string

func bigStore(b *testing.B) string {
	bigOnce.Do(func() {
		bigDir = os.Getenv("KRISENSTAB_BENCH_DIR")
		if bigDir != "" {
			if _, err := os.Stat(filepath.Join(bigDir, "MANIFEST")); err == nil {
				return
			}
		} else {
			var err error
			if bigDir, err = os.MkdirTemp("", "krisenstab-1m-"); err != nil {
				b.Fatal(err)
			}
		}
		s := open(b, bigDir, 1000)
		defer s.Close()
		for inc := range 100 {
			id := crisis.IncidentID(fmt.Sprintf("2026-01-16-incident-%03d", inc))
			// A bot that has been running has delivered its outbox: build
			// the log without pending notices.
			delivered := func(c crisis.Change) crisis.Change { c.Notices = nil; return c }
			st := commit(b, s, delivered(change(b, crisis.State{}, id, t0, opened(id))))
			for batch := range 10 {
				data := make([]crisis.Payload, 0, 1000)
				for i := range 1000 - boolInt(batch == 0) {
					data = append(data, crisis.Logged{Text: fmt.Sprintf("log entry %d of batch %d with some realistic length of text", i, batch)})
				}
				st = commit(b, s, delivered(change(b, st, id, t0, data...)))
			}
		}
	})
	return bigDir
}

func boolInt(v bool) int {
	if v {
		return 1
	}
	return 0
}

// BenchmarkStartup1M measures the start-up path on a store with 1,000,000
// events: open, find the next reminder and the pending outbox, load one
// incident (snapshot plus tail).
func BenchmarkStartup1M(b *testing.B) {
	dir := bigStore(b)
	b.ResetTimer()
	for range b.N {
		s, err := Open(dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := s.NextReminder(ctx); err != nil {
			b.Fatal(err)
		}
		if _, err := s.PendingNotices(ctx, 200); err != nil {
			b.Fatal(err)
		}
		st, found, err := s.Load(ctx, "2026-01-16-incident-042")
		if err != nil || !found || st.LastSeq != 10000 {
			b.Fatalf("load: %v %v seq %d", found, err, st.LastSeq)
		}
		s.Close()
	}
}

// BenchmarkEvents10k streams one incident's 10,000 events (the store part
// of a timeline export; see messages for rendering).
func BenchmarkEvents10k(b *testing.B) {
	s, err := Open(bigStore(b), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.ResetTimer()
	for range b.N {
		n := 0
		if err := s.Events(ctx, "2026-01-16-incident-007", 1, func(crisis.Event) error { n++; return nil }); err != nil || n != 10000 {
			b.Fatal(n, err)
		}
	}
}

// BenchmarkCommitAt500PerSecond commits at a steady 500 changes per second
// over 10 incidents (the store's share of the command latency target).
func BenchmarkCommitAt500PerSecond(b *testing.B) {
	s := open(b, b.TempDir(), 1000)
	defer s.Close()
	const n = 10
	var mus [n]sync.Mutex
	states := make([]crisis.State, n)
	for i := range n {
		id := crisis.IncidentID(fmt.Sprint("inc-", i))
		states[i] = commit(b, s, change(b, crisis.State{}, id, t0, opened(id)))
	}
	lat := make([]time.Duration, b.N)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	var wg sync.WaitGroup
	b.ResetTimer()
	for i := range b.N {
		<-tick.C
		wg.Go(func() {
			k := i % n
			mus[k].Lock()
			defer mus[k].Unlock()
			c := change(b, states[k], states[k].ID, t0, crisis.Logged{Text: fmt.Sprint(i)})
			start := time.Now()
			if err := s.Commit(ctx, c); err != nil {
				b.Error(err)
				return
			}
			lat[i] = time.Since(start)
			states[k] = c.State
		})
	}
	wg.Wait()
	reportPercentiles(b, lat)
}
