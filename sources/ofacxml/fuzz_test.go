package ofacxml

import (
	"testing"

	"warden/sources/sourcetest"
)

func FuzzParse(f *testing.F) {
	sourcetest.Fuzz(f, Parser{}, "sdn.xml",
		`<sdnList><publshInformation><Publish_Date>03/28/2025</Publish_Date></publshInformation><sdnEntry><uid>1</uid><firstName>A</firstName><lastName>B</lastName><sdnType>Individual</sdnType><programList><program>CYBER2</program></programList><idList><id><uid>2</uid><idType>Digital Currency Address - XBT</idType><idNumber>1abc</idNumber></id></idList></sdnEntry></sdnList>`)
}
