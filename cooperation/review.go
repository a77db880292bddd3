package cooperation

import (
	"context"

	"warden"
)

// ReviewInput is the requester's rating of one answer: the answer
// message, the rubric (each criterion 1 to 5), comments, and how the
// information was used.
type ReviewInput struct {
	Message  int64         `json:"message"`
	Rubric   warden.Rubric `json:"rubric"`
	Comments string        `json:"comments,omitempty"`
	Use      warden.Use    `json:"use"`
}

var stepReview = step{warden.ActRequestsReview, requester, "reviews answers", only("only an answered or reviewed request has answers to review", warden.RequestAnswered, warden.RequestReviewed)}

// Review rates an answer of request id (the requester side), once per
// answer; the request becomes reviewed (reviewed_at: the first review).
// ENOTFOUND if the request has no such message; EINVALID naming message
// (not an answer, or reviewed already), rubric.<criterion>, use or
// comments, or status.
func (s *Service) Review(ctx context.Context, id int64, in ReviewInput) (warden.Review, error) {
	p, r, now, err := s.begin(ctx, id, stepReview)
	if err != nil {
		return warden.Review{}, err
	}
	m, err := s.DB.RequestMessage(ctx, id, in.Message)
	if err != nil {
		return warden.Review{}, err
	}
	if m.Kind != warden.MessageAnswer {
		return warden.Review{}, warden.Errorf(warden.EINVALID, "message: %d is a %s, not an answer", in.Message, m.Kind)
	}
	if err := in.Rubric.Check(); err != nil {
		return warden.Review{}, err
	}
	if !in.Use.Valid() {
		return warden.Review{}, warden.Errorf(warden.EINVALID, "use %q must be one of %s", in.Use, join(warden.Uses))
	}
	if err := warden.CheckText(warden.TextNote, "comments", in.Comments, maxText); err != nil {
		return warden.Review{}, err
	}
	vs, err := s.DB.RequestReviews(ctx, id)
	if err != nil {
		return warden.Review{}, err
	}
	for _, v := range vs {
		if v.Message == in.Message {
			return warden.Review{}, warden.Errorf(warden.EINVALID, "message: answer %d has review %d already", in.Message, v.ID)
		}
	}
	from := r.Status
	r.Status = warden.RequestReviewed
	if r.ReviewedAt == nil {
		r.ReviewedAt = &now
	}
	v := warden.Review{Request: id, Message: in.Message, Rubric: in.Rubric, Comments: in.Comments, Use: in.Use, By: p.Name, At: now}
	ev := audit(ctx, "request.review", &r, in.Comments, map[string]any{"message": in.Message, "rubric": in.Rubric, "use": in.Use})
	if err := s.DB.AddReview(ctx, &v, &r, from, ev, event(warden.EventRequestReviewed, &r, now, "", nil)); err != nil {
		return warden.Review{}, s.stale(ctx, id, stepReview, err)
	}
	return viewReview(p, &r, v), nil
}

var stepRespond = step{warden.ActRequestsReview, responder, "responds to reviews of its answers", nil}

// RespondReview records the requested side's response to a review of its
// answer, once. ENOTFOUND if request id has no such review; EINVALID
// naming response if it is blank or the review has one.
func (s *Service) RespondReview(ctx context.Context, id, review int64, text string) (warden.Review, error) {
	p, r, now, err := s.begin(ctx, id, stepRespond)
	if err != nil {
		return warden.Review{}, err
	}
	v, err := s.DB.RequestReview(ctx, id, review)
	if err != nil {
		return warden.Review{}, err
	}
	if v.RespondedAt != nil {
		return warden.Review{}, warden.Errorf(warden.EINVALID, "response: review %d has a response already", review)
	}
	if err := required(warden.TextNote, "response", text, maxText); err != nil {
		return warden.Review{}, err
	}
	v.Response, v.RespondedBy, v.RespondedAt = text, p.Name, &now
	ev := audit(ctx, "request.review.respond", &r, text, map[string]any{"review": review})
	if err := s.DB.RespondReview(ctx, &v, ev, event(warden.EventRequestReviewResponded, &r, now, "", nil)); err != nil {
		return warden.Review{}, err
	}
	return viewReview(p, &r, v), nil
}

// Reviews returns the reviews of request id's answers, oldest first, to
// either side (to a counterpart, the authority's people as the
// authority).
func (s *Service) Reviews(ctx context.Context, id int64) ([]warden.Review, error) {
	p, r, err := s.load(ctx, warden.ActRequestsRead, id)
	if err != nil {
		return nil, err
	}
	vs, err := s.DB.RequestReviews(ctx, id)
	for i := range vs {
		vs[i] = viewReview(p, &r, vs[i])
	}
	return vs, err
}
