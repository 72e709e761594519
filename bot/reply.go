package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/krisenstab/krisenstab/commands"
	"github.com/krisenstab/krisenstab/crisis"
	"github.com/krisenstab/krisenstab/messages"
)

func (rt *Runtime) query(ctx context.Context, lang messages.Lang, id crisis.IncidentID, q commands.Query) Reply {
	st, found, err := rt.load(ctx, id)
	if err != nil {
		return rt.fail(lang, "load incident", err)
	}
	if !found {
		return rt.text(lang, "unknown_incident", map[string]string{"incident": string(id)})
	}
	v := rt.view(lang)
	var out string
	switch q := q.(type) {
	case commands.Status:
		out, err = rt.msgs.Status(v, st, rt.obligations(st)...)
	case commands.Roles:
		out, err = rt.msgs.Roles(v, st)
	case commands.Tasks:
		out, err = rt.msgs.Tasks(v, st)
	case commands.Deadlines:
		out, err = rt.msgs.Deadlines(v, st, rt.obligations(st)...)
	case commands.Facts:
		out, err = rt.msgs.Facts(v, st)
	case commands.Drafts:
		if q.Draft == 0 {
			out, err = rt.msgs.Drafts(v, st)
			break
		}
		d := st.Draft(q.Draft)
		if d == nil {
			return rt.problem(lang, &crisis.Error{Code: crisis.CodeUnknownDraft, Params: map[string]string{"draft": strconv.Itoa(q.Draft)}})
		}
		out, err = rt.msgs.DraftView(v, st, *d, rt.approval()[d.Kind])
	case commands.Timeline:
		var evs []crisis.Event
		err = rt.store.Events(ctx, id, 1, func(e crisis.Event) error {
			if q.Since == nil || !e.At.Before(*q.Since) {
				evs = append(evs, e)
			}
			return nil
		})
		if err == nil {
			out, err = rt.msgs.Timeline(v, st, evs)
		}
	case commands.Export:
		f, err := rt.Export(ctx, lang, id, q.Format)
		if err != nil {
			return rt.fail(lang, "export", err)
		}
		return Reply{Private: true, File: f}
	default:
		err = fmt.Errorf("unhandled query %T", q)
	}
	if err != nil {
		return rt.fail(lang, "render query", err)
	}
	return Reply{Text: out, Private: true}
}

func (rt *Runtime) help(lang messages.Lang, topic string) Reply {
	out, err := rt.msgs.Help(rt.view(lang), rt.helpEntries(), topic)
	if err != nil {
		return rt.fail(lang, "render help", err)
	}
	return Reply{Text: out, Private: true}
}

func (rt *Runtime) helpEntries() []messages.HelpEntry {
	specs := commands.Specs()
	out := make([]messages.HelpEntry, len(specs))
	for i, s := range specs {
		out[i] = helpEntry(s, rt.cfg.Command)
	}
	return out
}

func helpEntry(s commands.Spec, command string) messages.HelpEntry {
	return messages.HelpEntry{Name: s.Name, Aliases: s.Aliases, Args: s.Args, Command: command}
}

// problem renders a usage or domain error for the sender. Anything else is
// an internal failure: logged, answered generically.
func (rt *Runtime) problem(lang messages.Lang, err error) Reply {
	v := rt.view(lang)
	var de *crisis.Error
	if errors.As(err, &de) {
		out, rerr := rt.msgs.Problem(v, string(de.Code), de.Params)
		if rerr != nil {
			return rt.fail(lang, "render problem", rerr)
		}
		return Reply{Text: out, Private: true}
	}
	var ue *commands.Error
	if errors.As(err, &ue) {
		out, rerr := rt.msgs.Problem(v, string(ue.Code), ue.Params)
		if rerr != nil {
			return rt.fail(lang, "render problem", rerr)
		}
		if spec, ok := commands.Lookup(ue.Params["command"]); ok {
			if usage, uerr := rt.msgs.Usage(v, helpEntry(spec, rt.cfg.Command)); uerr == nil {
				out += "\n" + usage
			}
		}
		return Reply{Text: out, Private: true}
	}
	var dup interface{ Duplicate() bool }
	if errors.As(err, &dup) && dup.Duplicate() {
		return rt.text(lang, "duplicate", nil)
	}
	return rt.fail(lang, "command", err)
}

func (rt *Runtime) fail(lang messages.Lang, what string, err error) Reply {
	rt.log.Error(what, "err", err)
	return rt.text(lang, "internal", nil)
}

func (rt *Runtime) text(lang messages.Lang, key string, params map[string]string) Reply {
	out, err := rt.msgs.Text(rt.view(lang), key, params)
	if err != nil {
		rt.log.Error("render text", "key", key, "err", err)
		out = key
	}
	return Reply{Text: out, Private: true}
}
