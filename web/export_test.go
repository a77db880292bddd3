package web

import (
	"warden/audit"
	"warden/auth"
	"warden/cooperation"
	"warden/designation"
	"warden/enforcement"
	"warden/hotline"
	"warden/intel"
	"warden/lists"
	"warden/screening"
	"warden/store"
)

// NewTestServer wires a Server over db with the default services, as warden
// serve does, for the tests of this package and of web_test; sc and a are
// used when given. Set the services' clocks after it where a test moves time.
func NewTestServer(db *store.DB, sc *screening.Service, a *auth.Service) *Server {
	if sc == nil {
		sc = screening.New(db)
	}
	if a == nil {
		a = auth.New(db)
	}
	des := designation.New(db, a.Approvals)
	in := intel.New(db)
	in.Designator = des
	return &Server{Lists: &lists.Service{DB: db}, Audit: &audit.Service{DB: db}, Screening: sc, Auth: a, Enforcement: enforcement.New(db, sc, a.Approvals),
		Designations: des, Hotline: hotline.New(db, hotline.Options{}), Cooperation: cooperation.New(db, des), Intel: in}
}
