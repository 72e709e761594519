package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/krisenstab/krisenstab/crisis"
	"github.com/krisenstab/krisenstab/messages"
)

// ExportDoc is the JSON export: the whole log with its hash chain, and the
// head (last seq and hash) so a truncated copy is detectable too.
type ExportDoc struct {
	Format   string            `json:"format"`
	Incident crisis.IncidentID `json:"incident"`
	Title    string            `json:"title"`
	Exported time.Time         `json:"exported"`
	HeadSeq  uint64            `json:"head_seq"`
	HeadHash string            `json:"head_hash"`
	Events   []crisis.Event    `json:"events"`
}

const exportFormat = "krisenstab-timeline/1"

// Export renders an incident's timeline as a file, "md" or "json".
func (rt *Runtime) Export(ctx context.Context, lang messages.Lang, id crisis.IncidentID, format string) (*File, error) {
	var buf bytes.Buffer
	if err := rt.WriteExport(ctx, &buf, lang, id, format); err != nil {
		return nil, err
	}
	if format == "" {
		format = "md"
	}
	return &File{Name: string(id) + "." + format, Content: buf.Bytes()}, nil
}

// WriteExport streams an incident's timeline to w as Markdown or JSON.
func (rt *Runtime) WriteExport(ctx context.Context, w io.Writer, lang messages.Lang, id crisis.IncidentID, format string) error {
	st, found, err := rt.load(ctx, id)
	if err != nil {
		return fmt.Errorf("load %s: %w", id, err)
	}
	if !found {
		return fmt.Errorf("export %s: %w", id, &crisis.Error{Code: crisis.CodeNoIncident, Params: map[string]string{"incident": string(id)}})
	}
	switch format {
	case "", "md":
		return rt.msgs.WriteMarkdown(w, rt.view(lang), st, rt.pipeEvents(ctx, id))
	case "json":
		return writeJSON(w, st, rt.clock.Now(), func(fn func([]byte) error) error {
			return rt.store.RawEvents(ctx, id, 1, fn)
		})
	}
	return fmt.Errorf("export format %q: want md or json", format)
}

// pipeEvents reads events in a second goroutine while the caller renders,
// so decoding and rendering a long timeline use both cores.
func (rt *Runtime) pipeEvents(ctx context.Context, id crisis.IncidentID) func(func(crisis.Event) error) error {
	return func(fn func(crisis.Event) error) error {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		ch := make(chan crisis.Event, 1024)
		errc := make(chan error, 1)
		go func() {
			defer close(ch)
			errc <- rt.store.Events(ctx, id, 1, func(e crisis.Event) error {
				select {
				case ch <- e:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			})
		}()
		for e := range ch {
			if err := fn(e); err != nil {
				cancel()
				for range ch {
				}
				<-errc
				return err
			}
		}
		return <-errc
	}
}

// writeJSON streams the document; events are copied as stored, since the
// stored bytes are the canonical form the hash chain covers.
func writeJSON(w io.Writer, st crisis.State, now time.Time, each func(func([]byte) error) error) error {
	head := ExportDoc{Format: exportFormat, Incident: st.ID, Title: st.Title, Exported: now,
		HeadSeq: st.LastSeq, HeadHash: st.LastHash}
	b, err := json.Marshal(head)
	if err != nil {
		return err
	}
	// Replace the closing `"events":null}` with a streamed array.
	b = bytes.TrimSuffix(b, []byte("null}"))
	if _, err := w.Write(b); err != nil {
		return err
	}
	if _, err := io.WriteString(w, "[\n"); err != nil {
		return err
	}
	first := true
	err = each(func(eb []byte) error {
		if !first {
			if _, err := io.WriteString(w, ",\n"); err != nil {
				return err
			}
		}
		first = false
		_, err = w.Write(eb)
		return err
	})
	if err != nil {
		return fmt.Errorf("export events: %w", err)
	}
	_, err = io.WriteString(w, "\n]}\n")
	return err
}

// ErrTruncated says an export ends before its recorded head.
var ErrTruncated = errors.New("export ends before its head event")

// VerifyExport checks a JSON export: the hash chain of all events from 1
// (no gap, change or reorder) and that the last event is the recorded
// head. It returns the document on success.
func VerifyExport(r io.Reader) (ExportDoc, error) {
	var doc ExportDoc
	dec := json.NewDecoder(r)
	if err := dec.Decode(&doc); err != nil {
		return doc, fmt.Errorf("read export: %w", err)
	}
	if doc.Format != exportFormat {
		return doc, fmt.Errorf("read export: format %q, want %q", doc.Format, exportFormat)
	}
	if err := crisis.Verify(doc.Events); err != nil {
		return doc, err
	}
	n := len(doc.Events)
	if n == 0 || doc.Events[n-1].Seq != doc.HeadSeq || doc.Events[n-1].Hash != doc.HeadHash {
		return doc, ErrTruncated
	}
	return doc, nil
}
