package bot_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/krisenstab/krisenstab/bot"
	"github.com/krisenstab/krisenstab/bot/bottest"
	"github.com/krisenstab/krisenstab/crisis"
)

func (f fixture) react(t *testing.T, room, user, msg, emoji string, removed bool) bot.Reply {
	t.Helper()
	r := f.rt.Handle(context.Background(), bot.Event{Platform: "slack", Room: room, User: user,
		Reaction: &bot.Reaction{Emoji: emoji, Message: msg, Removed: removed}})
	if _, err := f.disp.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	return r
}

// lastDraftPost returns the ref of the latest post carrying buttons.
func lastDraftPost(t *testing.T, p *bottest.Platform) string {
	t.Helper()
	sent := p.Sent()
	for i := len(sent) - 1; i >= 0; i-- {
		if len(sent[i].Actions) == 2 && sent[i].Actions[0].ID == bot.ReactApprove {
			return strconv.Itoa(i + 1)
		}
	}
	t.Fatal("no draft post with approve/reject buttons")
	return ""
}

func staffText(extra string) string {
	return "**Information for all staff** **What happened:** File servers encrypted. " +
		"**What it means for your work:** Use paper forms. **Do and don't:** Switch nothing off. " +
		"**Contact:** crisis team, phone +49 170 1111111 **Next update:** Sat 2026-01-17 09:00 CET " +
		"**Where the next update comes:** notice board" + extra
}

// TestApprovalByReaction drives the draft workflow through reactions on
// the posts the platform received: a reaction from a non-approver is
// ignored with a private note, a reaction on an outdated revision is
// refused, ✅ on the current revision releases it, the release is
// published to the stakeholder room with exactly the approved text, and
// taking ✅ back after release is refused.
func TestApprovalByReaction(t *testing.T) {
	f := newFixtureWith(t, func(c *bot.Config) {
		c.Publish = map[string][]crisis.Room{"staff": {{Platform: "slack", ID: "C-alle", Name: "#alle"}}}
	})
	f.do(t, "slack", "C-general", "U-anna", "start Ransomware")
	room := "R-crisis-2026-01-16-ransomware"
	f.do(t, "slack", room, "U-eva", "draft staff")
	rev1 := lastDraftPost(t, f.slack)
	f.do(t, "slack", room, "U-eva", "edit E1 "+staffText(""))
	rev2 := lastDraftPost(t, f.slack)
	if rev1 == rev2 {
		t.Fatal("edit posted no new revision")
	}

	if r := f.react(t, room, "U-eva", rev2, bot.ReactApprove, false); !r.Private || !strings.Contains(r.Text, "does not count") {
		t.Fatalf("non-approver reaction: %+v", r)
	}
	if r := f.react(t, room, "U-anna", rev1, bot.ReactApprove, false); !r.Private || !strings.Contains(r.Text, "revision 1") {
		t.Fatalf("reaction on the old revision: %+v", r)
	}
	if r := f.react(t, room, "U-anna", "no-such-message", bot.ReactApprove, false); r.Text != "" {
		t.Fatalf("reaction on an unrelated message answered: %+v", r)
	}
	if r := f.react(t, room, "U-anna", rev2, "thumbsup", false); r.Text != "" {
		t.Fatalf("other emoji answered: %+v", r)
	}

	st := func() crisis.State {
		s, _, err := f.store.Load(context.Background(), "2026-01-16-ransomware")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if r := f.react(t, room, "U-anna", rev2, bot.ReactApprove, false); r.Text != "" {
		t.Fatalf("approving reaction answered: %+v", r)
	}
	s := st()
	d := s.Draft(1)
	if d.Released == nil || d.Released.Rev != 2 {
		t.Fatalf("draft not released at revision 2: %+v", d.Released)
	}
	var published bool
	for _, p := range d.Published {
		published = published || p.Room.ID == "C-alle"
	}
	if !published {
		t.Fatalf("release not recorded as published: %+v", d.Published)
	}
	var text string
	for _, m := range f.slack.Sent() {
		if m.Room == "C-alle" {
			text = m.Text
		}
	}
	if text != d.Revs[1].Text {
		t.Fatalf("published %q, want exactly revision 2", text)
	}
	if r := f.react(t, room, "U-anna", rev2, bot.ReactApprove, true); !strings.Contains(r.Text, "already released") {
		t.Fatalf("withdrawal after release: %+v", r)
	}
}

// TestPublishFailureRecordedOnce ensures a failing stakeholder room gets
// one publish_failed entry in the timeline, not one per retry.
func TestPublishFailureRecordedOnce(t *testing.T) {
	f := newFixtureWith(t, func(c *bot.Config) {
		c.Publish = map[string][]crisis.Room{"staff": {{Platform: "mattermost", ID: "alle", Name: "~alle"}}}
	})
	f.do(t, "slack", "C-general", "U-anna", "start Ransomware")
	room := "R-crisis-2026-01-16-ransomware"
	f.do(t, "slack", room, "U-eva", "draft staff")
	f.do(t, "slack", room, "U-eva", "edit E1 "+staffText(""))
	f.mm.FailNext(100, errors.New("403 not a member"))
	f.rt.Handle(context.Background(), bot.Event{Platform: "slack", Room: room, User: "U-anna",
		Reaction: &bot.Reaction{Emoji: bot.ReactApprove, Message: lastDraftPost(t, f.slack)}})
	for i := 0; i < 5; i++ {
		f.disp.Flush(context.Background())
		f.clock.Advance(10 * time.Minute)
	}
	n := 0
	f.store.Events(context.Background(), "2026-01-16-ransomware", 1, func(e crisis.Event) error {
		if e.Kind() == crisis.KindPublishFailed {
			n++
		}
		return nil
	})
	if n != 1 {
		t.Fatalf("publish_failed recorded %d times, want once", n)
	}
}

// TestRedeliveredDraftPostIsRecorded ensures that when a draft post is
// delivered twice (a crash after posting, before the outbox entry was
// deleted), a reaction on either post reaches the draft.
func TestRedeliveredDraftPostIsRecorded(t *testing.T) {
	f := newFixture(t, nil)
	f.do(t, "slack", "C-general", "U-anna", "start Ransomware")
	room := "R-crisis-2026-01-16-ransomware"
	f.do(t, "slack", room, "U-eva", "draft staff")
	st, _, _ := f.store.Load(context.Background(), "2026-01-16-ransomware")
	var draftSeq uint64
	f.store.Events(context.Background(), st.ID, 1, func(e crisis.Event) error {
		if e.Kind() == crisis.KindDraftCreated {
			draftSeq = e.Seq
		}
		return nil
	})
	// Deliver the same notice again, as the dispatcher does after a crash.
	f.store.Requeue(crisis.Notice{Incident: st.ID, Seq: draftSeq, Room: &crisis.Room{Platform: "slack", ID: room}})
	if _, err := f.disp.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	st, _, _ = f.store.Load(context.Background(), "2026-01-16-ransomware")
	if n := len(st.Draft(1).Posts); n != 2 {
		t.Fatalf("draft posts recorded: %d, want both deliveries", n)
	}
}
