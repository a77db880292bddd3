package match

// persianReadings reads a folded name in Arabic script: the Arabic reading.
func persianReadings(s string) []string { return []string{arabicReading(s)} }
