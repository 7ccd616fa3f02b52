package dossiers

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"motcua"
	"motcua/internal/store"
)

// RateRequest is the applicant's rating of a dossier's handling: the overall level and
// one level per criterion (motcua.RatingCriteria), each 1–5.
type RateRequest struct {
	Score    int            `json:"score"`
	Criteria map[string]int `json:"criteria"`
	Comment  string         `json:"comment"`
}

// MaxRatingComment bounds a rating's comment.
const MaxRatingComment = 2000

// Rate records the applicant's rating, once per dossier, after the result was returned.
// Another person is told the dossier does not exist, or (staff who may read it) that
// only its applicant rates it.
func (s *Service) Rate(ctx context.Context, a motcua.Actor, code motcua.DossierCode, req RateRequest) (store.Rating, error) {
	acc, err := s.readable(ctx, a, code)
	if err != nil {
		return store.Rating{}, err
	}
	if !ActsAsApplicant(a, acc.ApplicantID, acc.OrganizationID) {
		return store.Rating{}, motcua.Errorf(motcua.EFORBIDDEN, "Chỉ người nộp hồ sơ mới đánh giá được việc giải quyết hồ sơ.")
	}
	if acc.Status != motcua.StatusReturned && acc.Status != motcua.StatusArchived {
		return store.Rating{}, motcua.Errorf(motcua.ECONFLICT, "Chỉ đánh giá được sau khi hồ sơ đã được trả kết quả.")
	}
	if !motcua.RatingLevel(req.Score).Valid() {
		return store.Rating{}, &motcua.Error{Code: motcua.EINVALID, Field: "score", Message: "Mức đánh giá chung phải từ 1 đến 5."}
	}
	criteria := map[string]int{}
	for k, v := range req.Criteria {
		if !motcua.RatingCriterion(k).Valid() {
			return store.Rating{}, &motcua.Error{Code: motcua.EINVALID, Field: "criteria",
				Message: fmt.Sprintf("Tiêu chí đánh giá «%s» không có trong phiếu đánh giá.", k)}
		}
		if !motcua.RatingLevel(v).Valid() {
			return store.Rating{}, &motcua.Error{Code: motcua.EINVALID, Field: "criteria." + k,
				Message: "Mức đánh giá của «" + motcua.RatingCriterion(k).Label() + "» phải từ 1 đến 5."}
		}
		criteria[k] = v
	}
	comment := strings.TrimSpace(req.Comment)
	if utf8.RuneCountInString(comment) > MaxRatingComment || !utf8.ValidString(comment) {
		return store.Rating{}, &motcua.Error{Code: motcua.EINVALID, Field: "comment",
			Message: fmt.Sprintf("Ý kiến góp ý dài quá %d ký tự.", MaxRatingComment)}
	}
	r := store.Rating{DossierCode: code, ApplicantID: a.UserID, Score: req.Score, Criteria: criteria, Comment: comment, RatedAt: s.Now()}
	ok, err := s.Store.AddRating(ctx, r)
	if err != nil {
		return store.Rating{}, err
	}
	if !ok {
		return store.Rating{}, motcua.Errorf(motcua.ECONFLICT, "Hồ sơ này đã được đánh giá; mỗi hồ sơ chỉ được đánh giá một lần.")
	}
	return r, nil
}

// Rating returns the dossier's rating to a reader of the dossier (false: not rated).
func (s *Service) Rating(ctx context.Context, a motcua.Actor, code motcua.DossierCode) (store.Rating, bool, error) {
	if _, err := s.readable(ctx, a, code); err != nil {
		return store.Rating{}, false, err
	}
	return s.Store.RatingOf(ctx, code)
}
