package web

// intelRoutes are the intelligence API's routes (/v1/intel/...).
func (s *Server) intelRoutes() []route { return nil }
