package frequency

import (
	"encoding/json"
	"log"
	"sync"

	"warden/internal/zxcvbn/data"
)

// List holds a frequency list
type List struct {
	Name string
	List []string
}

// Lists returns all the frequency lists in a map, decoded from their JSON
// assets on the first call (about 50 ms and 10 MB) rather than at package
// initialisation, so that a program which links zxcvbn but checks no password
// does not pay for them.
var Lists = sync.OnceValue(loadLists)

// loadLists decodes the frequency lists for Lists.
func loadLists() map[string]List {
	lists := make(map[string]List)
	maleFilePath := getAsset("data/MaleNames.json")
	femaleFilePath := getAsset("data/FemaleNames.json")
	surnameFilePath := getAsset("data/Surnames.json")
	englishFilePath := getAsset("data/English.json")
	passwordsFilePath := getAsset("data/Passwords.json")

	lists["MaleNames"] = getStringListFromAsset(maleFilePath, "MaleNames")
	lists["FemaleNames"] = getStringListFromAsset(femaleFilePath, "FemaleNames")
	lists["Surname"] = getStringListFromAsset(surnameFilePath, "Surname")
	lists["English"] = getStringListFromAsset(englishFilePath, "English")
	lists["Passwords"] = getStringListFromAsset(passwordsFilePath, "Passwords")
	return lists
}

func getAsset(name string) []byte {
	data, err := data.Asset(name)
	if err != nil {
		panic("Error getting asset " + name)
	}

	return data
}

func getStringListFromAsset(data []byte, name string) List {
	var tempList List
	err := json.Unmarshal(data, &tempList)
	if err != nil {
		log.Fatal(err)
	}
	tempList.Name = name
	return tempList
}
