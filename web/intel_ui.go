package web

// intelPageRoutes are the intelligence pages.
func (s *Server) intelPageRoutes() []route { return nil }
