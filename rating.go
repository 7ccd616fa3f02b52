package motcua

// RatingLevel is a level of satisfaction (mức độ hài lòng), 1 to 5: the five levels the
// portal's satisfaction survey uses (rất hài lòng … rất không hài lòng), as numbers so
// that statistics can average them.
type RatingLevel int

var ratingLevelLabels = map[RatingLevel]string{
	1: "Rất không hài lòng",
	2: "Không hài lòng",
	3: "Bình thường",
	4: "Hài lòng",
	5: "Rất hài lòng",
}

// Valid reports whether l is one of the five levels.
func (l RatingLevel) Valid() bool { _, ok := ratingLevelLabels[l]; return ok }

// Label is the level in Vietnamese.
func (l RatingLevel) Label() string { return ratingLevelLabels[l] }

// RatingLevels lists the levels, the best first (as the form offers them).
func RatingLevels() []RatingLevel { return []RatingLevel{5, 4, 3, 2, 1} }

// RatingCriterion is one thing the applicant rates (docs/ratings.md says where the
// criteria come from).
type RatingCriterion string

const (
	RateGuidance   RatingCriterion = "guidance"   // hướng dẫn, tiếp nhận hồ sơ
	RateAttitude   RatingCriterion = "attitude"   // thái độ, tinh thần phục vụ của cán bộ
	RateTimeliness RatingCriterion = "timeliness" // thời gian giải quyết so với giấy hẹn
	RateProcedure  RatingCriterion = "procedure"  // thành phần hồ sơ, phí, lệ phí đúng quy định công khai
	RateResult     RatingCriterion = "result"     // kết quả giải quyết
)

var ratingCriterionLabels = map[RatingCriterion]string{
	RateGuidance:   "Việc hướng dẫn, tiếp nhận hồ sơ",
	RateAttitude:   "Thái độ, tinh thần phục vụ của công chức",
	RateTimeliness: "Thời gian giải quyết so với ngày hẹn trả",
	RateProcedure:  "Thành phần hồ sơ, phí, lệ phí đúng như quy định được công khai",
	RateResult:     "Kết quả giải quyết thủ tục hành chính",
}

// RatingCriteria lists the criteria in the order of the form.
func RatingCriteria() []RatingCriterion {
	return []RatingCriterion{RateGuidance, RateAttitude, RateTimeliness, RateProcedure, RateResult}
}

// Valid reports whether c is a known criterion.
func (c RatingCriterion) Valid() bool { _, ok := ratingCriterionLabels[c]; return ok }

// Label is the criterion in Vietnamese.
func (c RatingCriterion) Label() string { return labelOf(ratingCriterionLabels, c) }
