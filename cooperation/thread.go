package cooperation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"warden"
	"warden/designation"
)

// File is an attachment as a side sends it: a name and the bytes.
type File struct {
	Name string
	Data []byte
}

// maxFiles is the most files one message carries.
const maxFiles = 20

// attachments checks files for a message of p's at now: each named, at
// most MaxAttachment bytes (ETOOLARGE), of a type designation.EvidenceType
// accepts by its content (PDF, PNG, JPEG, plain text without markup,
// JSON), and passed by the Scanner if one is set; it returns them as
// stored, with their SHA-256, and their bytes. Errors name files[i].
func (s *Service) attachments(ctx context.Context, p warden.Principal, files []File, now time.Time) ([]warden.Attachment, [][]byte, error) {
	if len(files) > maxFiles {
		return nil, nil, warden.Errorf(warden.EINVALID, "files: %d is more than %d on one message", len(files), maxFiles)
	}
	out := []warden.Attachment{}
	var data [][]byte
	for i, f := range files {
		field := fmt.Sprintf("files[%d]", i)
		if err := required(warden.TextName, field+".name", f.Name, 255); err != nil {
			return nil, nil, err
		}
		if int64(len(f.Data)) > s.MaxAttachment {
			return nil, nil, warden.Errorf(warden.ETOOLARGE, "%s: %s is %d bytes; the limit is %d", field, f.Name, len(f.Data), s.MaxAttachment)
		}
		if len(f.Data) == 0 {
			return nil, nil, warden.Errorf(warden.EINVALID, "%s: %s is empty", field, f.Name)
		}
		typ, name, err := designation.EvidenceType(f.Name, f.Data)
		if err != nil {
			return nil, nil, warden.Errorf(warden.EINVALID, "%s: %w", field, err)
		}
		if s.Scanner != nil {
			if err := s.Scanner.Scan(ctx, name, f.Data); err != nil {
				return nil, nil, warden.Errorf(warden.EINVALID, "%s: %s was refused by the scanner: %w", field, name, err)
			}
		}
		sum := sha256.Sum256(f.Data)
		out = append(out, warden.Attachment{Name: name, MediaType: typ, Size: int64(len(f.Data)), SHA256: hex.EncodeToString(sum[:]), AddedBy: p.Name, AddedAt: now})
		data = append(data, f.Data)
	}
	return out, data, nil
}

var stepAnswer = step{warden.ActRequestsWrite, responder, "answers", func(r *warden.Request, _ time.Time) error {
	if awaiting(r) {
		return nil
	}
	return statusError(r, "only a sent, acknowledged or in-progress request, or one answered in part, can be answered")
}}

// Answer answers request id (the requested side) in part or in full, with
// body and files. The first answer stamps first_answer_at, a full one
// answered_at and the business time it took; either acknowledges the
// request if it was not. The request becomes answered, its Answer saying
// how completely. EINVALID naming answer, body or files[i] for bad input
// (ETOOLARGE for a file over the limit), status for a request not
// awaiting an answer.
func (s *Service) Answer(ctx context.Context, id int64, completeness warden.AnswerCompleteness, body string, files []File) (warden.Request, warden.RequestMessage, error) {
	p, r, now, err := s.begin(ctx, id, stepAnswer)
	if err != nil {
		return warden.Request{}, warden.RequestMessage{}, err
	}
	if completeness != warden.AnswerPartial && completeness != warden.AnswerFull {
		return warden.Request{}, warden.RequestMessage{}, warden.Errorf(warden.EINVALID, "answer %q must be partial or full", completeness)
	}
	m, data, err := s.message(ctx, p, id, warden.MessageAnswer, body, files, now)
	if err != nil {
		return warden.Request{}, warden.RequestMessage{}, err
	}
	m.Answer = completeness
	from := r.Status
	r.Status, r.Answer = warden.RequestAnswered, completeness
	events, err := s.stampAck(ctx, &r, now)
	if err != nil {
		return warden.Request{}, warden.RequestMessage{}, err
	}
	if r.FirstAnswerAt == nil {
		r.FirstAnswerAt = &now
	}
	if completeness == warden.AnswerFull {
		secs, err := s.businessSecs(ctx, &r, now)
		if err != nil {
			return warden.Request{}, warden.RequestMessage{}, err
		}
		r.AnsweredAt, r.AnswerBusinessSecs = &now, &secs
	}
	events = append(events, event(warden.EventRequestAnswered, &r, now, "", nil))
	ev := audit(ctx, "request.answer", &r, "", map[string]any{"answer": completeness, "files": len(files), "answer_business_secs": r.AnswerBusinessSecs})
	if err := s.DB.AddRequestMessage(ctx, &m, data, &r, from, ev, events...); err != nil {
		return warden.Request{}, warden.RequestMessage{}, s.stale(ctx, id, stepAnswer, err)
	}
	return view(p, r), viewMessage(p, m), nil
}

// message checks and builds a message of p's on request id.
func (s *Service) message(ctx context.Context, p warden.Principal, id int64, kind warden.MessageKind, body string, files []File, now time.Time) (warden.RequestMessage, [][]byte, error) {
	if err := required(warden.TextNote, "body", body, maxText); err != nil {
		return warden.RequestMessage{}, nil, err
	}
	as, data, err := s.attachments(ctx, p, files, now)
	if err != nil {
		return warden.RequestMessage{}, nil, err
	}
	return warden.RequestMessage{Request: id, Kind: kind, Body: body, Author: p.Name, Org: orgOf(p), Attachments: as, CreatedAt: now}, data, nil
}

var stepMessage = step{warden.ActRequestsWrite, either, "writes", func(r *warden.Request, _ time.Time) error {
	if r.Status == warden.RequestDraft {
		return statusError(r, "a draft has no thread until it is sent")
	}
	return nil
}}

// Message adds a question, an update or a note to request id's thread
// (either side, once it is sent), with files; answers go through Answer.
// It emits request.message. EINVALID naming kind, body or files[i].
func (s *Service) Message(ctx context.Context, id int64, kind warden.MessageKind, body string, files []File) (warden.RequestMessage, error) {
	p, r, now, err := s.begin(ctx, id, stepMessage)
	if err != nil {
		return warden.RequestMessage{}, err
	}
	switch kind {
	case warden.MessageQuestion, warden.MessageUpdate, warden.MessageNote:
	default:
		return warden.RequestMessage{}, warden.Errorf(warden.EINVALID, "kind %q must be question, update or note (answers are given as answers)", kind)
	}
	m, data, err := s.message(ctx, p, id, kind, body, files, now)
	if err != nil {
		return warden.RequestMessage{}, err
	}
	ev := warden.NewAuditEvent(ctx, "request.message", object(id), "", nil) // the store says what was added
	if err := s.DB.AddRequestMessage(ctx, &m, data, nil, "", ev, event(warden.EventRequestMessage, &r, now, "", nil)); err != nil {
		return warden.RequestMessage{}, err
	}
	return viewMessage(p, m), nil
}

// Messages returns request id's thread, oldest first, with each message's
// attachments (without their bytes); to a counterpart, the authority's
// people as the authority (see person).
func (s *Service) Messages(ctx context.Context, id int64) ([]warden.RequestMessage, error) {
	p, _, err := s.load(ctx, warden.ActRequestsRead, id)
	if err != nil {
		return nil, err
	}
	ms, err := s.DB.RequestMessages(ctx, id)
	for i := range ms {
		ms[i] = viewMessage(p, ms[i])
	}
	return ms, err
}

// Attachment returns attachment aid of request id with its bytes, as
// stored (to a counterpart, a file of the authority's people as the
// authority's). ENOTFOUND if the request has no such attachment or the
// principal may not see the request.
func (s *Service) Attachment(ctx context.Context, id, aid int64) (warden.Attachment, []byte, error) {
	p, _, err := s.load(ctx, warden.ActRequestsRead, id)
	if err != nil {
		return warden.Attachment{}, nil, err
	}
	a, data, err := s.DB.RequestAttachment(ctx, id, aid)
	if err != nil || p.Role != warden.RoleCounterpart {
		return a, data, err
	}
	m, err := s.DB.RequestMessage(ctx, id, a.Message)
	if err != nil {
		return warden.Attachment{}, nil, err
	}
	a.AddedBy = person(p, m.Org, a.AddedBy)
	return a, data, nil
}
