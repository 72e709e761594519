package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/krisenstab/krisenstab/bot/bottest"
	"github.com/krisenstab/krisenstab/crisis"
	"github.com/krisenstab/krisenstab/store"
)

// TestCrashChild is not a test: it is the bot process that TestCrashSafety
// starts and kills.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv("KRISENSTAB_CRASH_DIR")
	if dir == "" {
		t.Skip("helper process for TestCrashSafety")
	}
	now, err := time.Parse(time.RFC3339, os.Getenv("KRISENSTAB_CRASH_NOW"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	code := run(context.Background(), []string{"--config", filepath.Join("testdata", "en.yaml"), "--data", dir},
		func(string) string { return "" }, os.Stdin, os.Stdout, os.Stderr, deps{clock: bottest.NewClock(now), showKeys: true})
	os.Exit(code)
}

var headerKey = regexp.MustCompile(`^\[m\d+\] .* \{(.+)\}$`)

// TestCrashSafety re-executes the test binary as the bot, feeds it
// commands, SIGKILLs it at random points and restarts it on the same data
// (36 rounds). Then it checks that every acknowledged command's events are
// stored, the hash chain verifies, every reminder step was decided exactly
// once, every notice was delivered at least once (and at most once more per
// kill), and the outbox is empty after a clean final run.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 37 processes")
	}
	dir := t.TempDir()
	base := time.Date(2026, 1, 16, 16, 40, 0, 0, time.UTC)
	const room = ":room crisis-2026-01-16-crash"
	rng := rand.New(rand.NewPCG(1, 2))
	acked := map[string]bool{}
	seen := map[string]int{}
	kills := 0

	child := func(now time.Time, input []string, killAfter int) []string {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
		cmd.Env = append(os.Environ(), "KRISENSTAB_CRASH_DIR="+dir, "KRISENSTAB_CRASH_NOW="+now.Format(time.RFC3339))
		stdin, _ := cmd.StdinPipe()
		stdout, _ := cmd.StdoutPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() {
			// Feed input slowly enough that kills land between and inside
			// commands, not only after the last one.
			for _, l := range input {
				if _, err := io.WriteString(stdin, l+"\n"); err != nil {
					return
				}
			}
			stdin.Close()
		}()
		// A child that neither ends nor gets killed would hang the suite.
		guard := time.AfterFunc(2*time.Minute, func() { cmd.Process.Kill() })
		defer guard.Stop()
		var lines []string
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			lines = append(lines, sc.Text())
			if killAfter >= 0 && len(lines) >= killAfter {
				cmd.Process.Signal(syscall.SIGKILL)
				kills++
				break
			}
		}
		stdin.Close()
		// What the child wrote before it died was delivered: count it.
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
		cmd.Wait()
		for _, l := range lines {
			if m := headerKey.FindStringSubmatch(l); m != nil {
				seen[m[1]]++
			}
			if strings.HasPrefix(l, "📝 @anna: crash-") {
				acked[strings.TrimPrefix(l, "📝 @anna: ")] = true
			}
		}
		return lines
	}

	for round := range 36 {
		now := base.Add(time.Duration(round) * 10 * time.Minute)
		input := []string{room}
		if round == 0 {
			// With the statutory clocks on, their reminders go through the
			// same kills as the task reminders.
			input = []string{"/crisis start Crash --regime bsig,gdpr", "/crisis aware now"}
		}
		for i := range 12 {
			input = append(input, fmt.Sprintf("/crisis log crash-%d-%d", round, i))
			if i%4 == 0 {
				input = append(input, fmt.Sprintf(`/crisis task "t-%d-%d" @bernd --due +25m`, round, i))
			}
		}
		killAfter := 1 + rng.IntN(300)
		if round == 0 {
			killAfter = -1 // let the opening through
		}
		child(now, input, killAfter)
	}
	final := child(base.Add(30*time.Hour), []string{room, "/crisis status"}, -1)
	if len(final) == 0 {
		t.Fatal("final run printed nothing")
	}
	if kills < 20 {
		t.Fatalf("only %d kills happened", kills)
	}

	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	var evs []crisis.Event
	if err := st.Events(ctx, "2026-01-16-crash", 1, func(e crisis.Event) error { evs = append(evs, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := crisis.Verify(evs); err != nil {
		t.Fatalf("hash chain: %v", err)
	}
	logged := map[string]bool{}
	steps := map[string]time.Duration{}
	reminders, statutory := 0, 0
	for _, e := range evs {
		switch d := e.Data.(type) {
		case crisis.Logged:
			logged[d.Text] = true
		case crisis.ReminderSent:
			reminders++
			if d.Target.Kind == crisis.TargetObligation {
				statutory++
			}
			if prev, ok := steps[d.Target.String()]; ok && d.Step <= prev {
				t.Errorf("reminder for %s step %v decided after step %v (duplicate or reorder)", d.Target, d.Step, prev)
			}
			steps[d.Target.String()] = d.Step
			key := fmt.Sprintf("2026-01-16-crash/%d/room:console:crisis-2026-01-16-crash", e.Seq)
			if seen[key] == 0 {
				t.Errorf("reminder event %d (%s) was never delivered to the room", e.Seq, d.Target)
			}
		}
	}
	for a := range acked {
		if !logged[a] {
			t.Errorf("acknowledged %q is not in the log", a)
		}
	}
	dups := 0
	for _, n := range seen {
		if n > 1 {
			dups += n - 1
		}
	}
	if dups > kills {
		t.Errorf("%d duplicate deliveries for %d kills: more than one in-flight message per kill", dups, kills)
	}
	pending, err := st.PendingNotices(ctx, 10)
	if err != nil || len(pending) != 0 {
		t.Errorf("outbox not empty after clean run: %v %v", pending, err)
	}
	if len(acked) < 50 || reminders < 10 || statutory < 3 {
		t.Errorf("test did too little: %d acknowledged logs, %d reminders (%d statutory)", len(acked), reminders, statutory)
	}
	t.Logf("%d kills, %d acknowledged logs, %d events, %d reminders (%d statutory), %d duplicate deliveries", kills, len(acked), len(evs), reminders, statutory, dups)
}
