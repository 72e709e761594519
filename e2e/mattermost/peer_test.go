// Package mattermost_test proves the Mattermost adapter against a real
// Mattermost server (Team Edition v6.7.2 built from source, PostgreSQL from
// Debian), everything on 127.0.0.1 with ports chosen at run time. A peer
// that cannot be built or started fails the test with the step that failed;
// it is never skipped.
package mattermost_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// serverModule is the pinned server release the peer is built from.
const serverModule = "github.com/mattermost/mattermost-server/v6"
const serverVersion = "v6.7.2"

// step fails the test naming the setup step that failed.
func step(t testing.TB, name string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("mattermost e2e: step %q failed: %v", name, err)
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	step(t, "choose a free port", err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// repoRoot is the project's root (two levels up from this package).
func repoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// peerBinary builds the Mattermost server once per machine into the user
// cache (seconds when warm) unless KRISENSTAB_MM_PEER names a binary.
func peerBinary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("KRISENSTAB_MM_PEER"); p != "" {
		return p
	}
	cache, err := os.UserCacheDir()
	step(t, "find the user cache directory", err)
	bin := filepath.Join(cache, "krisenstab-e2e", "mattermost-"+serverVersion)
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	step(t, "create the peer cache directory", os.MkdirAll(filepath.Dir(bin), 0o755))
	cmd := exec.Command("go", "build", "-mod=mod", "-ldflags=-checklinkname=0", "-o", bin+".tmp", serverModule+"/cmd/mattermost")
	cmd.Dir = filepath.Join(repoRoot(t), "e2e", "mattermost", "peer")
	cmd.Env = append(os.Environ(), "GOFLAGS=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		step(t, "build the Mattermost server "+serverVersion+" (e2e/mattermost/peer)", fmt.Errorf("%v\n%s", err, tail(out, 3000)))
	}
	step(t, "install the peer binary", os.Rename(bin+".tmp", bin))
	return bin
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// moduleDir is the server module's source in the module cache: the server
// needs its i18n, templates and fonts at run time.
func moduleDir(t testing.TB) string {
	t.Helper()
	cmd := exec.Command("go", "mod", "download", "-json", serverModule+"@"+serverVersion)
	cmd.Dir = filepath.Join(repoRoot(t), "e2e", "mattermost", "peer")
	out, err := cmd.Output()
	step(t, "locate the server module in the module cache", err)
	var info struct{ Dir string }
	step(t, "read go mod download output", json.Unmarshal(out, &info))
	return info.Dir
}

// postgres is a throwaway PostgreSQL cluster.
type postgres struct {
	bin, data, sock string
	port            int
	asUser          []string // prefix to run as the postgres user when root
}

func (p *postgres) run(name string, args ...string) ([]byte, error) {
	argv := append(append([]string{}, p.asUser...), append([]string{filepath.Join(p.bin, name)}, args...)...)
	cmd := exec.Command(argv[0], argv[1:]...)
	return cmd.CombinedOutput()
}

func startPostgres(t testing.TB) *postgres {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	if len(bins) == 0 {
		step(t, "find PostgreSQL (apt-get install -y postgresql; scripts/test does it)", errors.New("no /usr/lib/postgresql/*/bin/pg_ctl"))
	}
	p := &postgres{bin: filepath.Dir(bins[len(bins)-1]), port: freePort(t)}
	// initdb refuses root, and the postgres user must reach the data
	// directory: a world-enterable directory under /tmp.
	base, err := os.MkdirTemp("", "krisenstab-pg-")
	step(t, "create the PostgreSQL directory", err)
	step(t, "open the PostgreSQL directory", os.Chmod(base, 0o755))
	p.data, p.sock = filepath.Join(base, "data"), filepath.Join(base, "sock")
	for _, d := range []string{p.data, p.sock} {
		step(t, "create "+d, os.Mkdir(d, 0o700))
	}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		step(t, "find the postgres user", err)
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		for _, d := range []string{p.data, p.sock} {
			step(t, "hand "+d+" to postgres", os.Chown(d, uid, gid))
		}
		p.asUser = []string{"runuser", "-u", "postgres", "--"}
	}
	t.Cleanup(func() {
		p.run("pg_ctl", "-D", p.data, "-m", "immediate", "stop")
		os.RemoveAll(base)
	})
	if out, err := p.run("initdb", "-D", p.data, "-A", "trust", "-U", "postgres", "-E", "UTF8"); err != nil {
		step(t, "initdb", fmt.Errorf("%v\n%s", err, tail(out, 2000)))
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", p.port, p.sock)
	if out, err := p.run("pg_ctl", "-D", p.data, "-o", opts, "-w", "-l", filepath.Join(p.sock, "log"), "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(p.sock, "log"))
		step(t, "start PostgreSQL", fmt.Errorf("%v\n%s\n%s", err, out, tail(log, 2000)))
	}
	for _, sql := range []string{"CREATE USER mmuser WITH PASSWORD 'mmpass'", "CREATE DATABASE mattermost OWNER mmuser"} {
		if out, err := p.run("psql", "-h", "127.0.0.1", "-p", strconv.Itoa(p.port), "-U", "postgres", "-c", sql); err != nil {
			step(t, "create the Mattermost database", fmt.Errorf("%v\n%s", err, out))
		}
	}
	return p
}

// server is a running Mattermost server.
type server struct {
	URL  string
	cmd  *exec.Cmd
	logs *bytes.Buffer
}

func startMattermost(t testing.TB, pg *postgres) *server {
	t.Helper()
	bin := peerBinary(t)
	src := moduleDir(t)
	work := t.TempDir()
	for _, d := range []string{"i18n", "templates", "fonts"} {
		step(t, "link "+d, os.Symlink(filepath.Join(src, d), filepath.Join(work, d)))
	}
	port := freePort(t)
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	cmd := exec.Command(bin, "server")
	cmd.Dir = work
	cmd.Env = append(os.Environ(),
		"MM_CONFIG="+filepath.Join(work, "config.json"),
		"MM_SQLSETTINGS_DRIVERNAME=postgres",
		fmt.Sprintf("MM_SQLSETTINGS_DATASOURCE=postgres://mmuser:mmpass@127.0.0.1:%d/mattermost?sslmode=disable", pg.port),
		"MM_SERVICESETTINGS_SITEURL="+url,
		fmt.Sprintf("MM_SERVICESETTINGS_LISTENADDRESS=127.0.0.1:%d", port),
		"MM_SERVICESETTINGS_ENABLEBOTACCOUNTCREATION=true",
		"MM_SERVICESETTINGS_ENABLEUSERACCESSTOKENS=true",
		"MM_SERVICESETTINGS_ENABLECOMMANDS=true",
		"MM_SERVICESETTINGS_ENABLEPOSTUSERNAMEOVERRIDE=true",
		"MM_SERVICESETTINGS_ENABLEPOSTICONOVERRIDE=true",
		"MM_TEAMSETTINGS_ENABLEOPENSERVER=true",
		"MM_SERVICESETTINGS_ALLOWEDUNTRUSTEDINTERNALCONNECTIONS=127.0.0.1 localhost",
		"MM_PLUGINSETTINGS_ENABLE=false",
		"MM_LOGSETTINGS_ENABLEDIAGNOSTICS=false",
		"MM_LOGSETTINGS_ENABLECONSOLE=true",
		"MM_LOGSETTINGS_CONSOLELEVEL=ERROR",
		"MM_LOGSETTINGS_ENABLEFILE=false",
		"MM_EMAILSETTINGS_SENDEMAILNOTIFICATIONS=false",
		"MM_FILESETTINGS_DIRECTORY="+filepath.Join(work, "files"),
		"MM_RATELIMITSETTINGS_ENABLE=false",
	)
	logs := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	step(t, "start the Mattermost server", cmd.Start())
	s := &server{URL: url, cmd: cmd, logs: logs}
	t.Cleanup(s.stop)
	// Readiness: the server answers ping within seconds; the deadline only
	// turns a hung start into a named failure.
	deadline := time.Now().Add(3 * time.Minute)
	for {
		resp, err := http.Get(url + "/api/v4/system/ping")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		if cmd.ProcessState != nil || time.Now().After(deadline) {
			step(t, "wait for the Mattermost server to answer /api/v4/system/ping", fmt.Errorf("not ready: %v\n%s", err, tail(logs.Bytes(), 3000)))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (s *server) stop() {
	if s.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
}

// api is a minimal REST v4 client for setting up the server, independent
// of the adapter's client library.
type api struct {
	t     testing.TB
	url   string
	token string
}

func (a *api) do(method, path string, body any, out any) (http.Header, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, method, a.url+"/api/v4"+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return resp.Header, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, strings.TrimSpace(string(b)))
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return resp.Header, fmt.Errorf("%s %s: %v", method, path, err)
		}
	}
	return resp.Header, nil
}

func (a *api) must(name, method, path string, body, out any) {
	a.t.Helper()
	_, err := a.do(method, path, body, out)
	step(a.t, name, err)
}

type idObj struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Username string `json:"username"`
	UserID   string `json:"user_id"`
	Token    string `json:"token"`
}

// login returns a client with a session token.
func login(t testing.TB, url, name, password string) *api {
	t.Helper()
	a := &api{t: t, url: url}
	h, err := a.do(http.MethodPost, "/users/login", map[string]string{"login_id": name, "password": password}, nil)
	step(t, "log in as "+name, err)
	a.token = h.Get("Token")
	return a
}

const password = "Krisen-Stab-2026!"

// world is the server as set up for the test: admin, team, the roster as
// users, stakeholder channels and the bot account.
type world struct {
	srv      *server
	admin    *api
	team     idObj
	town     idObj
	users    map[string]idObj // username -> user
	channels map[string]idObj // "alle", "kunden"
	botToken string
	cmdToken string
	botURL   string
	botPort  int
}

func setup(t *testing.T) *world {
	t.Helper()
	pg := startPostgres(t)
	w := &world{srv: startMattermost(t, pg), users: map[string]idObj{}, channels: map[string]idObj{}}
	anon := &api{t: t, url: w.srv.URL}
	var admin idObj
	anon.must("create the admin user (first user is system admin)", http.MethodPost, "/users",
		map[string]string{"email": "admin@muster.example", "username": "admin", "password": password}, &admin)
	w.admin = login(t, w.srv.URL, "admin", password)
	w.admin.must("create the team", http.MethodPost, "/teams",
		map[string]string{"name": "muster", "display_name": "Muster GmbH", "type": "O"}, &w.team)
	w.admin.must("add the admin to the team", http.MethodPost, "/teams/"+w.team.ID+"/members",
		map[string]string{"team_id": w.team.ID, "user_id": admin.ID}, nil)
	w.admin.must("find town-square", http.MethodGet, "/teams/"+w.team.ID+"/channels/name/town-square", nil, &w.town)
	for _, name := range []string{"anna", "dirk", "eva", "carla"} {
		var u idObj
		w.admin.must("create user "+name, http.MethodPost, "/users",
			map[string]string{"email": name + "@muster.example", "username": name, "password": password}, &u)
		w.admin.must("add "+name+" to the team", http.MethodPost, "/teams/"+w.team.ID+"/members",
			map[string]string{"team_id": w.team.ID, "user_id": u.ID}, nil)
		w.users[name] = u
	}
	var b idObj
	w.admin.must("create the bot account", http.MethodPost, "/bots",
		map[string]string{"username": "krisenstab", "display_name": "Krisenstab"}, &b)
	var tok idObj
	w.admin.must("create the bot's access token", http.MethodPost, "/users/"+b.UserID+"/tokens",
		map[string]string{"description": "krisenstab e2e"}, &tok)
	w.botToken = tok.Token
	w.admin.must("add the bot to the team", http.MethodPost, "/teams/"+w.team.ID+"/members",
		map[string]string{"team_id": w.team.ID, "user_id": b.UserID}, nil)
	for _, name := range []string{"alle", "kunden"} {
		var c idObj
		w.admin.must("create stakeholder channel "+name, http.MethodPost, "/channels",
			map[string]string{"team_id": w.team.ID, "name": name, "display_name": name, "type": "O"}, &c)
		w.admin.must("add the bot to "+name, http.MethodPost, "/channels/"+c.ID+"/members",
			map[string]string{"user_id": b.UserID}, nil)
		w.channels[name] = c
	}
	w.botPort = freePort(t)
	w.botURL = fmt.Sprintf("http://127.0.0.1:%d", w.botPort)
	var cmd idObj
	w.admin.must("register the slash command pointing at the bot", http.MethodPost, "/commands",
		map[string]any{"team_id": w.team.ID, "trigger": "crisis", "method": "P", "url": w.botURL + "/mattermost/command",
			"display_name": "Krisenstab", "auto_complete": true, "auto_complete_hint": "start <title> | status | help"}, &cmd)
	w.cmdToken = cmd.Token
	return w
}
