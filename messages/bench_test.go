package messages

import (
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/krisenstab/krisenstab/crisis"
)

// BenchmarkWriteMarkdown100k measures the export of an incident with
// 100,000 events (a mix of the kinds a long incident accumulates). The
// target is well under one second per export.
func BenchmarkWriteMarkdown100k(b *testing.B) {
	r := newRenderer(b)
	f := newFixture(b)
	evs := syntheticLog(b, f, 100_000)
	v := view(DE, at("2026-11-27 16:05:00"))
	each := func(yield func(crisis.Event) error) error {
		for _, e := range evs {
			if err := yield(e); err != nil {
				return err
			}
		}
		return nil
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := r.WriteMarkdown(io.Discard, v, f.full.state, each); err != nil {
			b.Fatal(err)
		}
	}
}

// syntheticLog repeats the fixture's events after its opening with fresh
// sequence numbers and instants a minute apart. Hashes are copied, not
// recomputed: the export only prints them.
func syntheticLog(tb testing.TB, f *fixture, n int) []crisis.Event {
	tb.Helper()
	src := f.full.events()
	out := make([]crisis.Event, 0, n)
	out = append(out, src[0])
	start := src[0].At
	for i := 1; len(out) < n; i++ {
		e := src[1+i%(len(src)-1)]
		e.Seq = uint64(len(out) + 1)
		e.At = start.Add(time.Duration(i) * time.Minute)
		if l, ok := e.Data.(crisis.Logged); ok {
			l.Text = fmt.Sprintf("%s (%d)", l.Text, i)
			e.Data = l
		}
		out = append(out, e)
	}
	return out
}
