package ofacenhanced

import (
	"testing"

	"warden/sources/sourcetest"
)

func FuzzParse(f *testing.F) {
	sourcetest.Fuzz(f, Parser{}, "SDN_ENHANCED.XML",
		`<sanctionsData><publicationInfo><dataAsOf>2025-01-10T00:00:00</dataAsOf></publicationInfo><entities><entity id="1"><generalInfo><entityType>Individual</entityType></generalInfo><names><name><isPrimary>true</isPrimary><translations><translation><script>Latin</script><formattedFullName>B, A</formattedFullName></translation></translations></name></names><features><feature><type>Birthdate</type><value>1962</value></feature></features></entity></entities></sanctionsData>`)
}
