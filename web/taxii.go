package web

// taxiiRoutes are the TAXII 2.1 server's routes (/taxii2/...).
func (s *Server) taxiiRoutes() []route { return nil }
