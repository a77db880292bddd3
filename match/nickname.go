package match

// nicknameAlts returns the names a person's given name may stand for or be
// shortened to: William for Bill, Aleksandr for Sasha.
func nicknameAlts(w string) []alt { return nil }
