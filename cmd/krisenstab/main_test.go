package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/krisenstab/krisenstab/bot"
	"github.com/krisenstab/krisenstab/bot/bottest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// scriptStart is Fri 2026-01-16 17:40 CET, the detection instant of SC-01.
var scriptStart = time.Date(2026, 1, 16, 16, 40, 0, 0, time.UTC)

func runScript(t *testing.T, config, dataDir string, in []byte, clock *bottest.Clock, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	all := []string{"--config", config, "--data", dataDir}
	if len(args) > 0 {
		all = append(append([]string{args[0]}, all...), args[1:]...)
	}
	code := run(context.Background(), all, func(string) string { return "" }, bytes.NewReader(in), &out, &errb, deps{clock: clock})
	return out.String(), errb.String(), code
}

// TestScriptedSessions drives every command through the terminal platform
// (stdin script -> stdout golden), in German and English, with a test
// clock that :wait advances.
func TestScriptedSessions(t *testing.T) {
	for _, lang := range []string{"de", "en"} {
		t.Run(lang, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", "session."+lang+".in"))
			if err != nil {
				t.Fatal(err)
			}
			out, stderr, code := runScript(t, filepath.Join("testdata", lang+".yaml"), t.TempDir(), in, bottest.NewClock(scriptStart))
			if code != 0 {
				t.Fatalf("exit %d, stderr:\n%s", code, stderr)
			}
			if stderr != "" {
				t.Errorf("unexpected log output:\n%s", stderr)
			}
			golden := filepath.Join("testdata", "session."+lang+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if diff := cmp.Diff(string(want), out); diff != "" {
				t.Errorf("output differs from %s (-want +got):\n%s", golden, diff)
			}
		})
	}
}

// TestRestartKeepsState ensures a second run on the same data continues the
// incident: the room still maps to it, and reminders that fell due while
// the bot was down arrive once, consolidated.
func TestRestartKeepsState(t *testing.T) {
	dir := t.TempDir()
	clock := bottest.NewClock(scriptStart)
	cfg := filepath.Join("testdata", "en.yaml")
	first := "/crisis start Outage\n/crisis task \"Call provider\" @bernd --due +1h\n"
	if out, stderr, code := runScript(t, cfg, dir, []byte(first), clock); code != 0 {
		t.Fatalf("first run: exit %d\n%s\n%s", code, out, stderr)
	}
	clock.Advance(3 * time.Hour) // the bot is down while -1h, -15m, due, +30m… pass
	second := ":room crisis-2026-01-16-outage\n/crisis tasks\n"
	out, stderr, code := runScript(t, cfg, dir, []byte(second), clock)
	if code != 0 {
		t.Fatalf("second run: exit %d\n%s", code, stderr)
	}
	// One room post and one DM each to the owner and the lead; the steps
	// -15m, due, +30m, +1h and +1h30m are folded into the +2h ping.
	if n := strings.Count(out, "**Overdue by 2 h**: task #14") + strings.Count(out, "Task #14: Call provider\nDue:"); n != 3 {
		t.Errorf("want one consolidated ping for task #14 in the room and to 2 people, got %d in:\n%s", n, out)
	}
	if n := strings.Count(out, "To: @bernd, @anna\nThis reminder replaces 5 earlier ones"); n != 1 {
		t.Errorf("catch-up ping does not say what it consolidates:\n%s", out)
	}
	if !strings.Contains(out, "#14 Call provider → Bernd Krause") {
		t.Errorf("task list after restart lacks task #14:\n%s", out)
	}
	// A third run at the same instant sends nothing again.
	out, _, _ = runScript(t, cfg, dir, []byte(""), clock)
	if strings.Contains(out, "Overdue") {
		t.Errorf("reminder sent twice:\n%s", out)
	}
}

// TestExportVerify ensures the JSON export verifies and a tampered copy
// does not, through the export and verify subcommands.
func TestExportVerify(t *testing.T) {
	dir := t.TempDir()
	clock := bottest.NewClock(scriptStart)
	cfg := filepath.Join("testdata", "de.yaml")
	if _, stderr, code := runScript(t, cfg, dir, []byte("/crisis start Ausfall\n/crisis log eins\n/crisis log zwei\n"), clock); code != 0 {
		t.Fatal(stderr)
	}
	file := filepath.Join(t.TempDir(), "x.json")
	if out, stderr, code := runScript(t, cfg, dir, nil, clock, "export", "--incident", "2026-01-16-ausfall", "--format", "json", "--out", file); code != 0 {
		t.Fatalf("export: %d %s %s", code, out, stderr)
	}
	out, stderr, code := runScript(t, cfg, dir, nil, clock, "verify", file)
	if code != 0 || !strings.Contains(out, "verified") {
		t.Fatalf("verify: %d %s %s", code, out, stderr)
	}
	b, _ := os.ReadFile(file)
	tampered := bytes.Replace(b, []byte(`"text":"eins"`), []byte(`"text":"drei"`), 1)
	if bytes.Equal(b, tampered) {
		t.Fatal("tamper target not found in export")
	}
	os.WriteFile(file, tampered, 0o644)
	if _, stderr, code := runScript(t, cfg, dir, nil, clock, "verify", file); code == 0 || !strings.Contains(stderr, "NOT verified") {
		t.Fatalf("tampered export verified: %d %s", code, stderr)
	}
	if _, err := bot.VerifyExport(bytes.NewReader(tampered)); err == nil {
		t.Fatal("VerifyExport accepted a tampered export")
	}
}

// TestBackupRestore ensures a backup restores into an empty folder and is
// refused on a folder that holds incidents.
func TestBackupRestore(t *testing.T) {
	dir, other := t.TempDir(), t.TempDir()
	clock := bottest.NewClock(scriptStart)
	cfg := filepath.Join("testdata", "de.yaml")
	runScript(t, cfg, dir, []byte("/crisis start Ausfall\n/crisis log eins\n"), clock)
	file := filepath.Join(t.TempDir(), "b.bak")
	if _, stderr, code := runScript(t, cfg, dir, nil, clock, "backup", file); code != 0 {
		t.Fatal(stderr)
	}
	if _, stderr, code := runScript(t, cfg, other, nil, clock, "restore", file); code != 0 {
		t.Fatal(stderr)
	}
	out, _, _ := runScript(t, cfg, other, nil, clock, "export", "--incident", "2026-01-16-ausfall")
	if !strings.Contains(out, "eins") {
		t.Fatalf("restored store lacks the log entry:\n%s", out)
	}
	if _, stderr, code := runScript(t, cfg, other, nil, clock, "restore", file); code == 0 || !strings.Contains(stderr, "already holds") {
		t.Fatalf("restore into non-empty store: %d %s", code, stderr)
	}
}

// TestCheck ensures `check` reports mistakes with their line and column.
func TestCheck(t *testing.T) {
	bad := `organisation:
  name: Muster GmbH
  language: fr
  timezone: Mars/Olympus
command: "Krise!"
roster:
  - id: anna
    name: Anna
    roles: [lead, boss]
    deputy: zoe
  - id: anna
    name: Anna Zwei
    accounts:
      slack: U1
      irc: anna
  - id: bernd
    name: Bernd
    accounts:
      slack: U1
reminders:
  task: {before: [1h, soon], repeat: 1m}
platforms:
  discord: {}
`
	path := filepath.Join(t.TempDir(), "k.yaml")
	os.WriteFile(path, []byte(bad), 0o644)
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"check", "--config", path}, func(string) string { return "" }, nil, &out, &errb, deps{})
	if code == 0 {
		t.Fatalf("check accepted a bad file:\n%s", out.String())
	}
	for _, want := range []string{
		":3:13: organisation.language \"fr\"",
		":4:13: organisation.timezone \"Mars/Olympus\"",
		":5:10: command \"Krise!\"",
		":9:19: unknown role \"boss\"",
		":10:13: deputy \"zoe\" is not in the roster",
		":11:9: id \"anna\" is used twice (first on line 7)",
		":15:12: account on unknown platform \"irc\"",
		":19:14: slack account \"U1\" is given twice (first on line 14)",
		":21:9: reminders.task.before: \"soon\"",
		":21:9: reminders.task.repeat: \"1m\"",
		":23:12: platforms.discord is not available",
	} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("check output lacks %q:\n%s", want, errb.String())
		}
	}
	// Unknown keys and YAML syntax errors also carry their line.
	for src, want := range map[string]string{
		"organisation:\n  name: X\nroster:\n  - id: a\n    name: A\n    phonee: 1\n": ":6:1: field phonee not found",
		"organisation:\n  name: X\n roster: [\n":                                     ":2:1: did not find expected key",
	} {
		os.WriteFile(path, []byte(src), 0o644)
		errb.Reset()
		if code := run(context.Background(), []string{"check", "--config", path}, func(string) string { return "" }, nil, &out, &errb, deps{}); code == 0 || !strings.Contains(errb.String(), want) {
			t.Errorf("check %q: code %d, output %q, want %q", src, code, errb.String(), want)
		}
	}
	// Slack: a wrong mode, http without listen, and missing secrets are
	// reported with the line of platforms.slack.
	base := "organisation:\n  name: X\nroster:\n  - id: a\n    name: A\n    accounts: {slack: U1}\nplatforms:\n  slack:\n"
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	for _, c := range []struct {
		body string
		env  func(string) string
		want string
	}{
		{"    mode: webhook\n", env(), ":9:5: platforms.slack.mode \"webhook\""},
		{"    mode: http\n", env(), ":9:5: platforms.slack: mode http needs listen"},
		{"    mode: socket\n", env("KRISENSTAB_SLACK_BOT_TOKEN", "xoxb-1"), ":9:5: platforms.slack needs the environment variable(s) KRISENSTAB_SLACK_APP_TOKEN"},
		{"    mode: http\n    listen: \":8080\"\n", env("KRISENSTAB_SLACK_BOT_TOKEN", "xoxb-1"), "KRISENSTAB_SLACK_SIGNING_SECRET"},
		{"    mode: socket\n    token: xoxb-secret\n", env(), ":10:1: platforms.slack: field token not found"},
	} {
		os.WriteFile(path, []byte(base+c.body), 0o644)
		errb.Reset()
		if code := run(context.Background(), []string{"check", "--config", path}, c.env, nil, &out, &errb, deps{}); code == 0 || !strings.Contains(errb.String(), c.want) {
			t.Errorf("check slack %q: code %d, output %q, want %q", c.body, code, errb.String(), c.want)
		}
		if strings.Contains(errb.String(), "xoxb-") {
			t.Errorf("check printed a token: %s", errb.String())
		}
	}
	os.WriteFile(path, []byte(base+"    mode: socket\n"), 0o644)
	out.Reset()
	if code := run(context.Background(), []string{"check", "--config", path}, env("KRISENSTAB_SLACK_BOT_TOKEN", "xoxb-1", "KRISENSTAB_SLACK_APP_TOKEN", "xapp-1"), nil, &out, &errb, deps{}); code != 0 {
		t.Errorf("complete slack config refused: %s", errb.String())
	}
	// The example configuration is valid.
	out.Reset()
	if code := run(context.Background(), []string{"check", "--config", "../../krisenstab.example.yaml"}, func(string) string { return "" }, nil, &out, &errb, deps{}); code != 0 {
		t.Fatalf("example config: %s", errb.String())
	}
}

// TestRegulatorySession is the end-to-end session of issue 3 in the
// terminal: ransomware at a German company (bsig + gdpr), awareness, the
// staff notice released by reaction, the customer notice linted, edited,
// released by two people and published, a submission recorded, and the
// deadlines listing before and after the 72 h clocks run out.
func TestRegulatorySession(t *testing.T) {
	in, err := os.ReadFile(filepath.Join("testdata", "regulatory.de.in"))
	if err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runScript(t, filepath.Join("testdata", "regulatory.de.yaml"), t.TempDir(), in, bottest.NewClock(scriptStart))
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	golden := filepath.Join("testdata", "regulatory.de.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if diff := cmp.Diff(string(want), out); diff != "" {
		t.Errorf("output differs from %s (-want +got):\n%s", golden, diff)
	}
	// The golden file is reviewed once; these keep its key facts true.
	for _, must := range []string{
		"Ihre Reaktion auf Entwurf E1 zählt nicht als Freigabe",                                                          // bernd is no approver
		"✅ **Freigegeben: Entwurf E1 (Information der Belegschaft)**",                                                    // anna's ✅
		"] #alle\n**Information für alle Beschäftigten",                                                                  // published as approved
		"- LINT-10 kein Wort des Bedauerns",                                                                              // the customer draft shows its findings
		"] #kunden-info\n**Sicherheitsvorfall bei Muster Maschinenbau GmbH: Information und Empfehlungen** Sehr geehrte", // the edited revision, exactly
		"BSIG frühe Erstmeldung (24 Std.) · Meldeverantwortliche(r) · fristgerecht erfüllt",
		"⚠️ Mo 2026-01-19 17:45 MEZ (16:45 UTC) · BSIG Meldung (72 Std.)", // overdue after 72 h
		"Information der Belegschaft · Kommunikationsleitung · fristgerecht erfüllt",
		"Erstinformation der Kunden · Kommunikationsleitung · fristgerecht erfüllt",
		"Entwurf E2 veröffentlicht in #kunden-info (console)", // the timeline records the delivery
	} {
		if !strings.Contains(out, must) {
			t.Errorf("session output lacks %q", must)
		}
	}
}

// TestRestartStatutoryReminders ensures the reminders of a statutory clock
// survive a restart: the BSIG 24 h clock passes its -12h, -6h, -2h and -1h
// steps while the bot is down; the next run sends one consolidated ping,
// a run after that sends nothing again, and the at-due step still comes.
func TestRestartStatutoryReminders(t *testing.T) {
	dir := t.TempDir()
	clock := bottest.NewClock(scriptStart)
	cfg := filepath.Join("testdata", "en.yaml")
	first := "/crisis start Outage --regime bsig\n/crisis aware now\n/crisis done FH-05\n"
	if out, stderr, code := runScript(t, cfg, dir, []byte(first), clock); code != 0 {
		t.Fatalf("first run: exit %d\n%s\n%s", code, out, stderr)
	}
	clock.Advance(23*time.Hour + 30*time.Minute) // down until 30 min before the 24 h due
	out, stderr, code := runScript(t, cfg, dir, nil, clock)
	if code != 0 {
		t.Fatalf("second run: exit %d\n%s", code, stderr)
	}
	ping := "**Due in 30 min**: **BSIG early first report (24 h)**"
	if n := strings.Count(out, ping); n != 1 {
		t.Fatalf("want one consolidated room ping %q, got %d in:\n%s", ping, n, out)
	}
	if !strings.Contains(out, "This reminder replaces 4 earlier ones") {
		t.Errorf("catch-up ping does not say what it consolidates:\n%s", out)
	}
	out, _, _ = runScript(t, cfg, dir, nil, clock)
	if strings.Contains(out, "BSIG early first report") {
		t.Errorf("statutory reminder sent twice:\n%s", out)
	}
	clock.Advance(30 * time.Minute)
	out, _, _ = runScript(t, cfg, dir, nil, clock)
	if !strings.Contains(out, "**Due now**: **BSIG early first report (24 h)**") {
		t.Errorf("at-due ping missing after restart:\n%s", out)
	}
}

// TestMattermostSetup registers the slash command against a fake server
// and checks what the server is asked and what the user is told.
func TestMattermostSetup(t *testing.T) {
	var got map[string]any
	var auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		switch r.URL.Path {
		case "/api/v4/teams/name/muster":
			io.WriteString(w, `{"id":"team1","name":"muster"}`)
		case "/api/v4/commands":
			json.NewDecoder(r.Body).Decode(&got)
			io.WriteString(w, `{"id":"cmd1","token":"cmdtoken123"}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	cfg := "organisation:\n  name: X\nroster:\n  - id: a\n    name: A\n    accounts: {mattermost: a}\nplatforms:\n  mattermost:\n    url: " + srv.URL +
		"\n    team: muster\n    listen: \":8065\"\n    public_url: https://bot.example/\n"
	path := filepath.Join(t.TempDir(), "k.yaml")
	os.WriteFile(path, []byte(cfg), 0o644)
	var out, errb bytes.Buffer
	env := func(k string) string {
		if k == "KRISENSTAB_MATTERMOST_ADMIN_TOKEN" {
			return "admintok"
		}
		return ""
	}
	if code := run(context.Background(), []string{"mattermost", "setup", "--config", path}, env, nil, &out, &errb, deps{}); code != 0 {
		t.Fatalf("setup: %d %s", code, errb.String())
	}
	if auth != "Bearer admintok" || got["team_id"] != "team1" || got["trigger"] != "crisis" || got["method"] != "P" ||
		got["url"] != "https://bot.example/mattermost/command" || got["auto_complete"] != true {
		t.Fatalf("registered %v with %q", got, auth)
	}
	if !strings.Contains(out.String(), "KRISENSTAB_MATTERMOST_COMMAND_TOKEN=cmdtoken123") {
		t.Fatalf("output does not give the token:\n%s", out.String())
	}
	errb.Reset()
	if code := run(context.Background(), []string{"mattermost", "setup", "--config", path}, func(string) string { return "" }, nil, &out, &errb, deps{}); code == 0 || !strings.Contains(errb.String(), "KRISENSTAB_MATTERMOST_ADMIN_TOKEN") {
		t.Fatalf("setup without admin token: %d %s", code, errb.String())
	}
}
