package enforcement

// SetRescreenPage makes s's re-screening parts screen page customers at a
// time and call after once each page is screened, before its progress is
// recorded.
func SetRescreenPage(s *Service, page int, after func(run string, part int)) {
	s.Rescreening.page, s.Rescreening.afterPage = page, after
}
