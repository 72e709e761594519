package crisis

// Notices decides who hears about a batch of new events: every event is
// posted to all of the incident's rooms (one incident, many rooms), and the
// people an event concerns also get a direct message. s is the state after
// the events. A batch that opens the incident posts only the opening (its
// role and invitation events are part of it) and sends each member one
// personal call-up.
func Notices(s State, actor PersonID, evs []Event) []Notice {
	var out []Notice
	rooms := func(seq uint64) {
		for i := range s.Rooms {
			r := s.Rooms[i]
			out = append(out, Notice{Incident: s.ID, Seq: seq, Room: &r})
		}
	}
	dm := func(seq uint64, p PersonID) {
		if p != "" && p != actor {
			out = append(out, Notice{Incident: s.ID, Seq: seq, Person: p})
		}
	}
	if len(evs) > 0 && evs[0].Kind() == KindOpened {
		rooms(evs[0].Seq)
		for _, p := range s.Members {
			dm(evs[0].Seq, p)
		}
		return out
	}
	for _, e := range evs {
		switch d := e.Data.(type) {
		case DraftPosted, Published:
			// Delivery records: the timeline has them; telling the room
			// again would only echo the post itself.
			continue
		case Released:
			rooms(e.Seq)
			for i := range d.Targets {
				r := d.Targets[i]
				if !s.HasRoom(r.Platform, r.ID) {
					out = append(out, Notice{Incident: s.ID, Seq: e.Seq, Room: &r})
				}
			}
			for _, p := range d.Notify {
				dm(e.Seq, p)
			}
			continue
		case AwareSet:
			rooms(e.Seq)
			// A pending later correction needs the other of lead and legal.
			if d.Pending {
				for _, r := range []Role{RoleLead, RoleLegal} {
					if h := s.Roles[r]; h != "" {
						dm(e.Seq, h)
					}
				}
			}
			continue
		case DraftCreated:
			rooms(e.Seq)
			continue
		}
		rooms(e.Seq)
		switch d := e.Data.(type) {
		case RoleAssigned:
			dm(e.Seq, d.Person)
		case Invited:
			for _, p := range d.People {
				dm(e.Seq, p)
			}
		case Paged:
			for _, p := range d.People {
				dm(e.Seq, p)
			}
		case TaskCreated:
			dm(e.Seq, d.Owner)
		case DeadlineSet:
			dm(e.Seq, d.Owner)
		case ReminderSent:
			for _, p := range d.Recipients {
				out = append(out, Notice{Incident: s.ID, Seq: e.Seq, Person: p})
			}
		}
	}
	return out
}
