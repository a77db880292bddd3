package intel

import (
	"context"
	"slices"

	"github.com/google/uuid"

	"warden"
)

// Limits of a collection and of a share.
const (
	maxTitle       = 200
	maxDescription = 2000
	maxOrgs        = 100
	maxShare       = 1000
)

// CreateCollection creates a TAXII collection for the organisations it
// names (intel.manage), audited. Its ID is a new UUID unless given.
// EINVALID names the field that is wrong; ECONFLICT if the id is taken.
func (s *Service) CreateCollection(ctx context.Context, c warden.Collection) (warden.Collection, error) {
	p, err := warden.Authorize(ctx, warden.ActIntelManage)
	if err != nil {
		return warden.Collection{}, err
	}
	if c.ID == "" {
		c.ID = uuid.NewString()
	}
	if err := s.checkCollection(ctx, &c); err != nil {
		return warden.Collection{}, err
	}
	c.CreatedBy, c.CreatedAt = p.Name, s.now()
	ev := warden.NewAuditEvent(ctx, "intel.collection.create", "collection:"+c.ID, "", map[string]any{"title": c.Title, "orgs": c.Orgs, "can_read": c.CanRead, "can_write": c.CanWrite})
	if err := s.DB.CreateIntelCollection(ctx, c, ev); err != nil {
		return warden.Collection{}, err
	}
	return c, nil
}

// UpdateCollection replaces a collection's title, description, flags
// and organisations (intel.manage), audited; ENOTFOUND if there is none.
// Taking an organisation out takes back what it saw through the
// collection.
func (s *Service) UpdateCollection(ctx context.Context, c warden.Collection) (warden.Collection, error) {
	if _, err := warden.Authorize(ctx, warden.ActIntelManage); err != nil {
		return warden.Collection{}, err
	}
	old, err := s.DB.IntelCollection(ctx, c.ID)
	if err != nil {
		return warden.Collection{}, err
	}
	if err := s.checkCollection(ctx, &c); err != nil {
		return warden.Collection{}, err
	}
	c.CreatedBy, c.CreatedAt = old.CreatedBy, old.CreatedAt
	ev := warden.NewAuditEvent(ctx, "intel.collection.update", "collection:"+c.ID, "", map[string]any{"title": c.Title, "orgs": c.Orgs, "can_read": c.CanRead, "can_write": c.CanWrite})
	if err := s.DB.UpdateIntelCollection(ctx, c, ev); err != nil {
		return warden.Collection{}, err
	}
	return c, nil
}

// checkCollection checks a collection's fields and that its
// organisations exist; its orgs come out sorted, without repeats.
func (s *Service) checkCollection(ctx context.Context, c *warden.Collection) error {
	if err := uuid.Validate(c.ID); err != nil {
		return warden.Errorf(warden.EINVALID, "id: %q is not a UUID", c.ID)
	}
	if warden.Blank(c.Title) {
		return warden.Errorf(warden.EINVALID, "title: required")
	}
	if err := warden.CheckText(warden.TextName, "title", c.Title, maxTitle); err != nil {
		return err
	}
	if err := warden.CheckText(warden.TextNote, "description", c.Description, maxDescription); err != nil {
		return err
	}
	if len(c.Orgs) == 0 {
		return warden.Errorf(warden.EINVALID, "orgs: a collection is for one organisation at least")
	}
	if len(c.Orgs) > maxOrgs {
		return warden.Errorf(warden.EINVALID, "orgs: more than %d", maxOrgs)
	}
	c.Orgs = slices.Compact(slices.Sorted(slices.Values(c.Orgs)))
	for _, org := range c.Orgs {
		if _, err := s.DB.Org(ctx, org); warden.ErrorCode(err) == warden.ENOTFOUND {
			return warden.Errorf(warden.EINVALID, "orgs: no organisation %q", org)
		} else if err != nil {
			return err
		}
	}
	return nil
}

// Collections returns the collections the caller sees (intel.read): the
// authority's people all, a counterpart its organisation's.
func (s *Service) Collections(ctx context.Context) ([]warden.Collection, error) {
	p, err := warden.Authorize(ctx, warden.ActIntelRead)
	if err != nil {
		return nil, err
	}
	org := ""
	if p.Role == warden.RoleCounterpart {
		org = p.Org
	}
	cs, err := s.DB.IntelCollections(ctx, org)
	if err != nil {
		return nil, err
	}
	for i := range cs {
		cs[i] = seenBy(p, cs[i])
	}
	return cs, nil
}

// seenBy is c as p may read it: a counterpart learns neither the other
// organisations a collection is for nor who of the authority made it.
func seenBy(p warden.Principal, c warden.Collection) warden.Collection {
	if p.Role == warden.RoleCounterpart {
		c.Orgs, c.CreatedBy = []string{p.Org}, ""
	}
	return c
}

// Collection returns one collection the caller sees (intel.read);
// ENOTFOUND for one that is not, or not its organisation's.
func (s *Service) Collection(ctx context.Context, id string) (warden.Collection, error) {
	p, err := warden.Authorize(ctx, warden.ActIntelRead)
	if err != nil {
		return warden.Collection{}, err
	}
	c, err := s.collection(ctx, p, id)
	if err != nil {
		return warden.Collection{}, err
	}
	return seenBy(p, c), nil
}

func (s *Service) collection(ctx context.Context, p warden.Principal, id string) (warden.Collection, error) {
	c, err := s.DB.IntelCollection(ctx, id)
	if err != nil {
		return c, err
	}
	if p.Role == warden.RoleCounterpart && !slices.Contains(c.Orgs, p.Org) {
		return warden.Collection{}, warden.Errorf(warden.ENOTFOUND, "no collection %s", id)
	}
	return c, nil
}

// readable returns a collection p sees and may read; EFORBIDDEN if it
// is not readable.
func (s *Service) readable(ctx context.Context, p warden.Principal, id string) (warden.Collection, error) {
	c, err := s.collection(ctx, p, id)
	if err == nil && !c.CanRead {
		err = warden.Errorf(warden.EFORBIDDEN, "collection %s is not readable", id)
	}
	return c, err
}

// writable checks p sees a collection and may write to it.
func (s *Service) writable(ctx context.Context, p warden.Principal, id string) error {
	c, err := s.collection(ctx, p, id)
	if err == nil && !c.CanWrite {
		err = warden.Errorf(warden.EFORBIDDEN, "collection %s is not writable", id)
	}
	return err
}

// Share puts objects in a collection (intel.share), audited: from then
// on its organisations see them, AMBER included, and read them through
// TAXII. Each object must be one the caller sees (ENOTFOUND) and not RED
// (EINVALID: RED never leaves the authority). Objects there already stay
// where they are.
func (s *Service) Share(ctx context.Context, collection string, ids []string) error {
	p, err := warden.Authorize(ctx, warden.ActIntelShare)
	if err != nil {
		return err
	}
	if len(ids) == 0 || len(ids) > maxShare {
		return warden.Errorf(warden.EINVALID, "ids: between 1 and %d objects", maxShare)
	}
	if _, err := s.collection(ctx, p, collection); err != nil {
		return err
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	objs, err := s.currentVisible(ctx, p, ids, notFound)
	if err != nil {
		return err
	}
	for _, o := range objs {
		if !o.TLP.Shareable() {
			return warden.Errorf(warden.EINVALID, "ids: %s is %s, which is never shared", o.ID, o.TLP.Label())
		}
	}
	ev := warden.NewAuditEvent(ctx, "intel.share", "collection:"+collection, "", map[string]any{"ids": ids})
	return s.DB.ShareIntel(ctx, collection, ids, p.Name, s.now(), ev)
}

// Unshare takes an object out of a collection (intel.share), audited;
// ENOTFOUND if it is not there.
func (s *Service) Unshare(ctx context.Context, collection, id string) error {
	p, err := warden.Authorize(ctx, warden.ActIntelShare)
	if err != nil {
		return err
	}
	if _, err := s.collection(ctx, p, collection); err != nil {
		return err
	}
	ev := warden.NewAuditEvent(ctx, "intel.unshare", "collection:"+collection, "", map[string]any{"id": id})
	return s.DB.UnshareIntel(ctx, collection, id, ev)
}
