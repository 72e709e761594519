package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/krisenstab/krisenstab/commands"
	"github.com/krisenstab/krisenstab/crisis"
	"github.com/krisenstab/krisenstab/messages"
)

// CommandTimeout bounds the work of one command.
const CommandTimeout = 20 * time.Second

// Runtime handles platform events. Create it with New; it starts nothing.
type Runtime struct {
	cfg       Config
	roster    *roster
	env       crisis.Env // roster and policy as the domain sees them, built once
	store     Store
	clock     Clock
	log       *slog.Logger
	msgs      *messages.Renderer
	platforms map[string]Platform
	order     []string

	mu    sync.Mutex
	locks map[crisis.IncidentID]*sync.Mutex
	// states caches each incident's state as of its last commit, so a
	// command does not re-read its log. Entries are never mutated, only
	// replaced (Decide works on clones).
	states map[crisis.IncidentID]crisis.State
	start  sync.Mutex // serialises incident creation (ID choice)

	// failedOnce remembers publications whose failure is already in the
	// timeline, so a retry loop does not flood it.
	failedOnce sync.Map

	kickScheduler  chan struct{}
	kickDispatcher chan struct{}
}

// New builds a runtime. platforms are the configured chat systems.
func New(cfg Config, st Store, clock Clock, log *slog.Logger, msgs *messages.Renderer, platforms ...Platform) *Runtime {
	if cfg.Command == "" {
		cfg.Command = "crisis"
	}
	if cfg.RoomPrefix == "" {
		cfg.RoomPrefix = "crisis-"
	}
	if cfg.Zone == nil {
		cfg.Zone = time.UTC
	}
	if cfg.Lang == "" {
		cfg.Lang = messages.DE
	}
	rt := &Runtime{cfg: cfg, roster: newRoster(cfg.People), store: st, clock: clock,
		log: log.With("component", "runtime"), msgs: msgs, platforms: map[string]Platform{},
		locks: map[crisis.IncidentID]*sync.Mutex{}, states: map[crisis.IncidentID]crisis.State{}, kickScheduler: make(chan struct{}, 1),
		kickDispatcher: make(chan struct{}, 1)}
	rt.env = crisis.Env{Roster: rt.roster.domain(), Policy: cfg.Policy, Approval: cfg.Approval,
		Publish: cfg.Publish, FactKeys: messages.FactKeys(), Lint: rt.lint}
	for _, p := range platforms {
		rt.platforms[p.Name()] = p
		rt.order = append(rt.order, p.Name())
	}
	return rt
}

func kick(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

func (rt *Runtime) lock(id crisis.IncidentID) func() {
	rt.mu.Lock()
	l, ok := rt.locks[id]
	if !ok {
		l = &sync.Mutex{}
		rt.locks[id] = l
	}
	rt.mu.Unlock()
	l.Lock()
	return l.Unlock
}

func (rt *Runtime) view(lang messages.Lang) messages.View {
	return messages.View{Lang: lang, Zone: rt.cfg.Zone, Now: rt.clock.Now(), Name: rt.roster.name}
}

func (rt *Runtime) langOf(p *Person) messages.Lang {
	if p != nil && p.Lang != "" {
		return p.Lang
	}
	return rt.cfg.Lang
}

// Handle processes one platform event and returns the reply for the sender.
// It never panics: a panic is logged with its stack and answered with a
// generic error, and no partial write can have happened (commits are
// atomic).
func (rt *Runtime) Handle(ctx context.Context, ev Event) (reply Reply) {
	defer func() {
		if p, ok := rt.platforms[ev.Platform]; ok {
			reply.Text = rt.mentions(p, reply.Text)
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, CommandTimeout)
	defer cancel()
	lang := rt.cfg.Lang
	defer func() {
		if r := recover(); r != nil {
			rt.log.Error("panic in command", "platform", ev.Platform, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			reply = rt.text(lang, "internal", nil)
		}
	}()
	person, ok := rt.roster.account(ev.Platform, ev.User)
	if !ok {
		return rt.text(lang, "not_in_roster", map[string]string{"platform": ev.Platform, "user": ev.User})
	}
	lang = rt.langOf(person)
	now := rt.clock.Now()
	if ev.Reaction != nil {
		return rt.react(ctx, ev, person, now)
	}
	text := strings.TrimSpace(ev.Text)
	if text == "" {
		text = "help"
	}
	parsed, err := commands.Parse(text, commands.Env{Now: now, Zone: rt.cfg.Zone, People: rt.roster})
	if err != nil {
		return rt.problem(lang, err)
	}
	if h, ok := parsed.Query.(commands.Help); ok {
		return rt.help(lang, h.Topic)
	}
	if st, ok := parsed.Command.(crisis.Start); ok {
		return rt.startIncident(ctx, ev, person, st, now)
	}
	id := parsed.Incident
	if id == "" {
		found, ok, err := rt.store.IncidentByRoom(ctx, ev.Platform, ev.Room)
		if err != nil {
			return rt.fail(lang, "find incident by room", err)
		}
		if !ok {
			return rt.text(lang, "no_incident_here", map[string]string{"command": parsed.Spec.Name})
		}
		id = found
	}
	if parsed.Query != nil {
		return rt.query(ctx, lang, id, parsed.Query)
	}
	cmd := parsed.Command
	if ar, ok := cmd.(crisis.AddRoom); ok {
		return rt.addRoom(ctx, ev, person, id, ar)
	}
	if cd, ok := cmd.(crisis.CreateDraft); ok {
		// Rendered from the facts as they are now; LINT-13 compares again
		// at approval, so a fact changed in between is caught there.
		if cmd, err = rt.renderDraft(ctx, id, cd, now); err != nil {
			return rt.problem(lang, err)
		}
	}
	res, err := rt.apply(ctx, id, person.ID, cmd, now, ev.DedupeKey, nil)
	if err != nil {
		return rt.problem(lang, err)
	}
	if res.inRoom(ev) {
		return Reply{}
	}
	return rt.text(lang, "done", map[string]string{"incident": string(id)})
}

type applied struct {
	state crisis.State
	evs   []crisis.Event
}

func (a applied) inRoom(ev Event) bool { return a.state.HasRoom(ev.Platform, ev.Room) }

// apply decides cmd on incident id and commits the result. prepare, if set,
// runs under the incident lock once the command was found valid and
// returns the completed command (rooms are created only for commands that
// will commit).
func (rt *Runtime) apply(ctx context.Context, id crisis.IncidentID, actor crisis.PersonID, cmd crisis.Command, now time.Time, dedupe string, prepare func() (crisis.Command, error)) (applied, error) {
	defer rt.lock(id)()
	st, found, err := rt.load(ctx, id)
	if err != nil {
		return applied{}, err
	}
	if !found {
		if _, ok := cmd.(crisis.Start); !ok {
			return applied{}, &crisis.Error{Code: crisis.CodeNoIncident, Params: map[string]string{"incident": string(id)}}
		}
	}
	env := rt.env
	payloads, err := crisis.Decide(st, env, actor, cmd, now)
	if err != nil {
		return applied{}, err
	}
	if prepare != nil {
		if cmd, err = prepare(); err != nil {
			return applied{}, err
		}
		if payloads, err = crisis.Decide(st, env, actor, cmd, now); err != nil {
			return applied{}, err
		}
	}
	evs, err := crisis.Chain(id, st.LastSeq, st.LastHash, now, actor, payloads)
	if err != nil {
		return applied{}, err
	}
	next := st.Clone()
	for _, e := range evs {
		next.Apply(e)
	}
	ch := crisis.Change{Incident: id, Events: evs, State: next,
		Reminders: crisis.Reminders(next, rt.cfg.Policy, now),
		Notices:   crisis.Notices(next, actor, evs), DedupeKey: dedupe}
	if err := rt.store.Commit(ctx, ch); err != nil {
		// The cache may be behind a commit whose acknowledgement was lost;
		// drop it so the next command reads the store.
		rt.mu.Lock()
		delete(rt.states, id)
		rt.mu.Unlock()
		return applied{}, fmt.Errorf("commit %s: %w", id, err)
	}
	rt.mu.Lock()
	rt.states[id] = next
	rt.mu.Unlock()
	kick(rt.kickScheduler)
	kick(rt.kickDispatcher)
	return applied{state: next, evs: evs}, nil
}

// load returns an incident's state from the cache or the store.
func (rt *Runtime) load(ctx context.Context, id crisis.IncidentID) (crisis.State, bool, error) {
	rt.mu.Lock()
	st, ok := rt.states[id]
	rt.mu.Unlock()
	if ok {
		return st, true, nil
	}
	st, found, err := rt.store.Load(ctx, id)
	if err != nil {
		return st, false, fmt.Errorf("load %s: %w", id, err)
	}
	if found {
		rt.mu.Lock()
		rt.states[id] = st
		rt.mu.Unlock()
	}
	return st, found, nil
}

func (rt *Runtime) startIncident(ctx context.Context, ev Event, person *Person, cmd crisis.Start, now time.Time) Reply {
	lang := rt.langOf(person)
	p, ok := rt.platforms[ev.Platform]
	if !ok {
		return rt.text(lang, "platform_unknown", map[string]string{"platform": ev.Platform})
	}
	rt.start.Lock()
	defer rt.start.Unlock()
	id, err := rt.freeID(ctx, now, cmd.Title)
	if err != nil {
		return rt.fail(lang, "choose incident id", err)
	}
	cmd.ID, cmd.Lang = id, string(rt.cfg.Lang)
	res, err := rt.apply(ctx, id, person.ID, cmd, now, ev.DedupeKey, func() (crisis.Command, error) {
		room, err := p.CreateRoom(ctx, rt.cfg.RoomPrefix+string(id), rt.accounts(ev.Platform))
		if err != nil {
			return nil, fmt.Errorf("create room on %s: %w", ev.Platform, err)
		}
		cmd.Room = room
		return cmd, nil
	})
	if err != nil {
		return rt.problem(lang, err)
	}
	if res.inRoom(ev) {
		return Reply{}
	}
	return rt.text(lang, "incident_started", map[string]string{"incident": string(id), "room": res.state.Rooms[0].Name})
}

func (rt *Runtime) addRoom(ctx context.Context, ev Event, person *Person, id crisis.IncidentID, cmd crisis.AddRoom) Reply {
	lang := rt.langOf(person)
	p, ok := rt.platforms[cmd.Room.Platform]
	if !ok {
		return rt.text(lang, "platform_unknown", map[string]string{"platform": cmd.Room.Platform})
	}
	now := rt.clock.Now()
	res, err := rt.apply(ctx, id, person.ID, cmd, now, ev.DedupeKey, func() (crisis.Command, error) {
		room, err := p.CreateRoom(ctx, rt.cfg.RoomPrefix+string(id), rt.accounts(p.Name()))
		if err != nil {
			return nil, fmt.Errorf("create room on %s: %w", p.Name(), err)
		}
		return crisis.AddRoom{Room: room}, nil
	})
	if err != nil {
		return rt.problem(lang, err)
	}
	last := res.state.Rooms[len(res.state.Rooms)-1]
	return rt.text(lang, "room_added", map[string]string{"platform": last.Platform, "room": last.Name})
}

// accounts lists the platform user IDs of everyone in the roster.
func (rt *Runtime) accounts(platform string) []string {
	var out []string
	for _, p := range rt.roster.people {
		if u, ok := p.Accounts[platform]; ok {
			out = append(out, u)
		}
	}
	return out
}

// freeID picks "<date>-<slug>" in the organisation zone, with a numeric
// suffix when that incident exists already.
func (rt *Runtime) freeID(ctx context.Context, now time.Time, title string) (crisis.IncidentID, error) {
	base := now.In(rt.cfg.Zone).Format("2006-01-02") + "-" + slug(title)
	for n := 1; n < 1000; n++ {
		id := crisis.IncidentID(base)
		if n > 1 {
			id = crisis.IncidentID(base + "-" + strconv.Itoa(n))
		}
		_, found, err := rt.load(ctx, id)
		if err != nil {
			return "", err
		}
		if !found {
			return id, nil
		}
	}
	return "", errors.New("no free incident id")
}

// slug makes a room-name-safe word list: lower-case ASCII, German umlauts
// transliterated, at most 40 characters.
func slug(title string) string {
	repl := strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "Ä", "ae", "Ö", "oe", "Ü", "ue")
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(repl.Replace(title)) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	s := strings.Trim(b.String(), "-")
	if s == "" {
		return "incident"
	}
	return s
}
