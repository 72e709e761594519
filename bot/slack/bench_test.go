package slack

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/krisenstab/krisenstab/bot"
	"github.com/krisenstab/krisenstab/crisis"
	"github.com/krisenstab/krisenstab/messages"
	"github.com/krisenstab/krisenstab/store"
)

// BenchmarkSlashCommandAt500 sends signed slash commands (log entries) to
// the HTTP endpoint on loopback at 500 per second and measures request to
// 200 response, with the real runtime and Badger with synced writes behind
// it (issue 4: p99 under 5 ms).
func BenchmarkSlashCommandAt500(b *testing.B) {
	f := newFakeSlack(b, nil)
	// The fake records every API call; drain them so it never blocks.
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case <-f.calls:
			case <-done:
				return
			}
		}
	}()
	clock := bot.SystemClock{}
	s, err := New(Config{BotToken: "xoxb-test", SigningSecret: testSecret, Mode: ModeHTTP, Listen: "127.0.0.1:0",
		APIURL: f.srv.GetAPIURL(), Clock: clock}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(b.TempDir(), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	msgs, _ := messages.New()
	cfg := bot.Config{Org: "Muster GmbH", Lang: messages.EN, Zone: time.UTC, Command: "crisis", Policy: crisis.DefaultPolicy(),
		People: []bot.Person{{ID: "anna", Name: "Anna", Roles: []crisis.Role{crisis.RoleLead}, Accounts: map[string]string{Name: "UANNA"}}}}
	rt := bot.New(cfg, st, clock, slog.New(slog.NewTextHandler(io.Discard, nil)), msgs, s)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	disp := bot.NewDispatcher(rt)
	go disp.Run(ctx) // drains the outbox as in production
	srv := httptest.NewServer(s.httpHandler(ctx, rt))
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}

	send := func(text, trigger string) (time.Duration, error) {
		body := url.Values{"command": {"/crisis"}, "text": {text}, "user_id": {"UANNA"}, "channel_id": {"G0NEW"},
			"team_id": {"T1"}, "trigger_id": {trigger}, "response_url": {f.responseURL()}}.Encode()
		req, _ := http.NewRequest(http.MethodPost, srv.URL+PathCommands, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		start := time.Now()
		sign(req.Header, testSecret, start, body)
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("status %d", resp.StatusCode)
		}
		return time.Since(start), nil
	}
	if _, err := send("start Bench", "start"); err != nil {
		b.Fatal(err)
	}
	lat := make([]time.Duration, b.N)
	var wg sync.WaitGroup
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	b.ResetTimer()
	for i := range b.N {
		<-tick.C
		wg.Go(func() {
			d, err := send("log entry "+strconv.Itoa(i), "t"+strconv.Itoa(i))
			if err != nil {
				b.Error(err)
			}
			lat[i] = d
		})
	}
	wg.Wait()
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	s.work.Wait()
}
