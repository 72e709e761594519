package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/krisenstab/krisenstab/bot"
	"github.com/krisenstab/krisenstab/bot/bottest"
	"github.com/krisenstab/krisenstab/crisis"
	"github.com/krisenstab/krisenstab/messages"
	"github.com/krisenstab/krisenstab/store"
)

func benchRuntime(b *testing.B, clock bot.Clock) (*bot.Runtime, *bot.Dispatcher, *store.Store, *bottest.Platform) {
	b.Helper()
	cfg, err := LoadConfig(filepath.Join("testdata", "en.yaml"), nil)
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(b.TempDir(), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	msgs, err := messages.New()
	if err != nil {
		b.Fatal(err)
	}
	p := &bottest.Platform{PlatformName: "slack"}
	rt := bot.New(cfg.Runtime, st, clock, slog.New(slog.NewTextHandler(io.Discard, nil)), msgs, p)
	return rt, bot.NewDispatcher(rt), st, p
}

// BenchmarkCommandAt500PerSecond sends log commands at a steady 500 per
// second over 10 incidents, through Runtime.Handle with real Badger and
// synced writes, while the dispatcher delivers in the background. It
// reports the bot-side latency from event to durable acknowledgement.
func BenchmarkCommandAt500PerSecond(b *testing.B) {
	rt, disp, _, _ := benchRuntime(b, bot.SystemClock{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if os.Getenv("BENCH_NO_DISPATCH") == "" {
		go disp.Run(ctx)
	}
	var rooms []string
	for i := range 10 {
		r := rt.Handle(ctx, bot.Event{Platform: "slack", Room: "C", User: "U01ANNA", Text: fmt.Sprintf("start Incident %d", i)})
		if r.Text == "" {
			b.Fatal("start failed")
		}
		rooms = append(rooms, fmt.Sprintf("R-crisis-%s-incident-%d", time.Now().In(time.UTC).Format("2006-01-02"), i))
	}
	lat := make([]time.Duration, b.N)
	var wg sync.WaitGroup
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	b.ResetTimer()
	for i := range b.N {
		<-tick.C
		wg.Go(func() {
			start := time.Now()
			r := rt.Handle(ctx, bot.Event{Platform: "slack", Room: rooms[i%len(rooms)], User: "U01ANNA", Text: fmt.Sprint("log entry ", i)})
			lat[i] = time.Since(start)
			if r.Text != "" {
				b.Errorf("log answered %q", r.Text)
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkExport100k renders the Markdown and JSON exports of an incident
// with 100,000 events.
func BenchmarkExport100k(b *testing.B) {
	rt, _, st, _ := benchRuntime(b, bottest.NewClock(scriptStart))
	ctx := context.Background()
	rt.Handle(ctx, bot.Event{Platform: "slack", Room: "C", User: "U01ANNA", Text: "start Big"})
	id := crisis.IncidentID("2026-01-16-big")
	s, _, err := st.Load(ctx, id)
	if err != nil {
		b.Fatal(err)
	}
	for s.LastSeq < 100_000 {
		data := make([]crisis.Payload, 0, 1000)
		for i := range min(1000, 100_000-int(s.LastSeq)) {
			data = append(data, crisis.Logged{Text: fmt.Sprint("Firewall rule changed on host fs", i)})
		}
		evs, err := crisis.Chain(id, s.LastSeq, s.LastHash, scriptStart, "anna", data)
		if err != nil {
			b.Fatal(err)
		}
		next := s.Clone()
		for _, e := range evs {
			next.Apply(e)
		}
		if err := st.Commit(ctx, crisis.Change{Incident: id, Events: evs, State: next}); err != nil {
			b.Fatal(err)
		}
		s = next
	}
	for _, format := range []string{"md", "json"} {
		b.Run(format, func(b *testing.B) {
			for range b.N {
				if err := rt.WriteExport(ctx, io.Discard, messages.EN, id, format); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
