package main

// culture is a naming tradition: its country, common given names (male,
// female), common family names, how a name is written, and an optional
// maker of a female family name from a male one.
type culture struct {
	country      string
	male, female []string
	family       []string
	// familyFirst: the family name is written first (Chinese, Korean,
	// Japanese, Vietnamese, Hungarian), with no space when join is set
	// (names in Han characters, Hangul or kana).
	familyFirst, join bool
	// femaleFamily, if set, gives the family name a woman bears.
	femaleFamily func(string) string
	// extra, if set, is a middle element (a patronymic, a second family
	// name) drawn for some names.
	extra []string
	// words and forms make company names of this culture: an industry
	// word and a legal form.
	words, forms []string
	weight       int // relative share of the mix
}

// cultures are the common names of many cultures, compiled from the
// usual frequency tables of given and family names (national statistics
// offices' top names), in their own scripts and in Latin.
var cultures = []culture{
	{ // English (US, UK)
		country: "US", weight: 12,
		male:   []string{"James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas", "Charles", "Christopher", "Daniel", "Matthew", "Anthony", "Mark", "Steven", "Paul", "Andrew", "Joshua", "Kevin", "Brian", "George", "Edward", "Ronald", "Timothy", "Jason", "Jeffrey", "Ryan", "Jacob", "Gary", "Oliver", "Harry", "Jack", "Noah", "Ethan"},
		female: []string{"Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah", "Karen", "Lisa", "Nancy", "Betty", "Margaret", "Sandra", "Ashley", "Emily", "Donna", "Michelle", "Carol", "Amanda", "Melissa", "Deborah", "Stephanie", "Rebecca", "Laura", "Olivia", "Emma", "Charlotte", "Amelia"},
		family: []string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Hill", "Green", "Adams", "Baker", "Nelson", "Carter", "Mitchell", "Roberts", "Evans", "Turner", "Phillips", "Campbell", "Parker", "Collins", "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Morgan", "Cooper", "Peterson", "Reed", "Bailey", "Kelly", "Howard", "Ward", "Cox", "Richardson", "Wood", "Watson", "Brooks", "Bennett", "Gray", "Hughes", "Price", "Sanders", "Patel", "Khan"},
		extra:  []string{"A.", "J.", "M.", "R.", "Lee", "Ann", "Marie", "James", "Lynn"},
		words:  []string{"Holdings", "Trading", "Consulting", "Logistics", "Capital", "Partners", "Foods", "Construction", "Technologies", "Services", "Marine", "Energy"},
		forms:  []string{"LLC", "Inc.", "Ltd", "Limited", "Corporation", "Co.", "LLP", "PLC"},
	},
	{ // Spanish and Latin American
		country: "MX", weight: 8,
		male:   []string{"José", "Juan", "Luis", "Carlos", "Jesús", "Antonio", "Miguel", "Francisco", "Jorge", "Alejandro", "Manuel", "Pedro", "Ricardo", "Fernando", "Javier", "Roberto", "Sergio", "Eduardo", "Mario", "Rafael", "Diego", "Pablo", "Andrés", "Santiago", "Mateo"},
		female: []string{"María", "Guadalupe", "Rosa", "Ana", "Carmen", "Laura", "Isabel", "Lucía", "Sofía", "Valentina", "Gabriela", "Patricia", "Elena", "Adriana", "Verónica", "Claudia", "Daniela", "Mariana", "Fernanda", "Paula"},
		family: []string{"García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez", "Sánchez", "Ramírez", "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Cruz", "Morales", "Reyes", "Gutiérrez", "Ortiz", "Chávez", "Ruiz", "Jiménez", "Mendoza", "Vargas", "Castillo", "Romero", "Álvarez", "Moreno", "Muñoz", "Rojas", "Navarro", "Herrera", "Medina", "Aguilar", "Castro", "Vázquez", "Fernández", "Silva", "Domínguez", "Ramos"},
		extra:  []string{"García", "López", "Martínez", "de la Cruz", "del Carmen", "Sánchez", "Pérez"},
		words:  []string{"Comercializadora", "Constructora", "Transportes", "Inversiones", "Servicios", "Distribuidora", "Grupo", "Importaciones", "Agrícola"},
		forms:  []string{"S.A. de C.V.", "S.A.", "S.L.", "S. de R.L.", "Sociedad Anónima", "S.A.S."},
	},
	{ // Portuguese and Brazilian
		country: "BR", weight: 5,
		male:   []string{"João", "José", "Antônio", "Francisco", "Carlos", "Paulo", "Pedro", "Lucas", "Luiz", "Marcos", "Luís", "Gabriel", "Rafael", "Daniel", "Marcelo", "Bruno", "Eduardo", "Felipe", "Rodrigo", "Gustavo", "Tiago", "Miguel"},
		female: []string{"Maria", "Ana", "Francisca", "Antônia", "Adriana", "Juliana", "Márcia", "Fernanda", "Patrícia", "Aline", "Sandra", "Camila", "Amanda", "Bruna", "Jéssica", "Letícia", "Beatriz", "Inês", "Mariana"},
		family: []string{"Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes", "Costa", "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes", "Soares", "Fernandes", "Vieira", "Barbosa", "Rocha", "Dias", "Nascimento", "Andrade", "Moreira", "Nunes", "Marques", "Machado", "Mendes", "Freitas", "Cardoso", "Teixeira", "Correia"},
		extra:  []string{"da Silva", "dos Santos", "de Souza", "de Oliveira", "Pereira", "Costa"},
		words:  []string{"Comércio", "Construtora", "Transportes", "Participações", "Agropecuária", "Engenharia", "Alimentos"},
		forms:  []string{"Ltda.", "S.A.", "ME", "EIRELI", "Limitada"},
	},
	{ // French
		country: "FR", weight: 5,
		male:   []string{"Jean", "Pierre", "Michel", "André", "Philippe", "Alain", "Jacques", "Bernard", "Louis", "Nicolas", "François", "Christophe", "Éric", "Laurent", "Julien", "Thomas", "Hugo", "Lucas", "Mathieu", "Olivier", "Sébastien"},
		female: []string{"Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Françoise", "Sophie", "Anne", "Christine", "Valérie", "Sandrine", "Camille", "Léa", "Manon", "Chloé", "Élodie", "Céline", "Aurélie"},
		family: []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas"},
		extra:  []string{"Marie", "Pierre", "Louis", "Jean"},
		words:  []string{"Transports", "Immobilier", "Conseil", "Bâtiment", "Distribution", "Import Export", "Industries"},
		forms:  []string{"SARL", "SAS", "S.A.", "Société Anonyme", "EURL", "SASU"},
	},
	{ // German
		country: "DE", weight: 5,
		male:   []string{"Peter", "Michael", "Thomas", "Andreas", "Wolfgang", "Klaus", "Jürgen", "Stefan", "Christian", "Uwe", "Werner", "Hans", "Bernd", "Frank", "Dieter", "Matthias", "Lukas", "Jonas", "Leon", "Felix", "Maximilian", "Tobias"},
		female: []string{"Ursula", "Monika", "Petra", "Elisabeth", "Sabine", "Renate", "Helga", "Karin", "Brigitte", "Ingrid", "Andrea", "Claudia", "Susanne", "Julia", "Anna", "Lena", "Katharina", "Gabriele", "Sophie", "Hannah"},
		family: []string{"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier", "Lehmann", "Schmid", "Schulze", "Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer", "Huber"},
		extra:  []string{"Maria", "Peter", "Karl", "von"},
		words:  []string{"Bau", "Maschinenbau", "Logistik", "Handel", "Immobilien", "Elektrotechnik", "Beteiligungs", "Automobile"},
		forms:  []string{"GmbH", "AG", "GmbH & Co. KG", "KG", "Gesellschaft mit beschränkter Haftung", "e.K.", "UG"},
	},
	{ // Italian
		country: "IT", weight: 4,
		male:   []string{"Giuseppe", "Giovanni", "Antonio", "Mario", "Luigi", "Francesco", "Angelo", "Vincenzo", "Pietro", "Salvatore", "Carlo", "Franco", "Domenico", "Bruno", "Paolo", "Michele", "Marco", "Alessandro", "Andrea", "Matteo", "Lorenzo"},
		female: []string{"Maria", "Anna", "Giuseppina", "Rosa", "Angela", "Giovanna", "Teresa", "Lucia", "Carmela", "Caterina", "Francesca", "Chiara", "Giulia", "Sofia", "Alessandra", "Federica", "Elena"},
		family: []string{"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini", "Leone"},
		words:  []string{"Costruzioni", "Trasporti", "Impianti", "Commerciale", "Alimentari", "Immobiliare", "Meccanica"},
		forms:  []string{"S.r.l.", "S.p.A.", "Società a responsabilità limitata", "S.a.s.", "S.n.c."},
	},
	{ // Polish
		country: "PL", weight: 3,
		male:   []string{"Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Jan", "Michał", "Marcin", "Stanisław", "Jakub", "Adam", "Marek", "Łukasz", "Grzegorz", "Mateusz", "Wojciech", "Mariusz", "Dariusz", "Zbigniew", "Jerzy"},
		female: []string{"Anna", "Maria", "Katarzyna", "Małgorzata", "Agnieszka", "Barbara", "Ewa", "Krystyna", "Elżbieta", "Magdalena", "Joanna", "Zofia", "Monika", "Teresa", "Danuta", "Natalia", "Aleksandra"},
		family: []string{"Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Wojciechowski", "Kwiatkowski", "Krawczyk", "Kaczmarek", "Piotrowski", "Grabowski", "Zając", "Pawłowski", "Michalski", "Król", "Wieczorek"},
		femaleFamily: func(s string) string {
			if len(s) > 3 && s[len(s)-1] == 'i' {
				return s[:len(s)-1] + "a"
			}
			return s
		},
		words: []string{"Budownictwo", "Transport", "Handel", "Usługi", "Przemysł"},
		forms: []string{"Sp. z o.o.", "S.A.", "spółka z ograniczoną odpowiedzialnością", "Sp.k."},
	},
	{ // Russian in Cyrillic
		country: "RU", weight: 5,
		male:         []string{"Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Максим", "Евгений", "Иван", "Михаил", "Николай", "Владимир", "Олег", "Павел", "Игорь", "Роман", "Виктор", "Юрий", "Артём", "Денис", "Константин"},
		female:       []string{"Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Анна", "Мария", "Екатерина", "Юлия", "Анастасия", "Марина", "Людмила", "Галина", "Дарья", "Ксения"},
		family:       []string{"Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Федоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семенов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьев", "Борисов", "Яковлев", "Григорьев"},
		femaleFamily: cyrillicFemale,
		extra:        []string{"Александрович", "Сергеевич", "Иванович", "Владимирович", "Николаевич", "Михайлович", "Петрович"},
		words:        []string{"Стройинвест", "Транс", "Торговый дом", "Агро", "Промснаб", "Нефтесервис"},
		forms:        []string{"ООО", "АО", "ПАО", "Общество с ограниченной ответственностью", "ЗАО"},
	},
	{ // Russian in Latin
		country: "RU", weight: 4,
		male:         []string{"Aleksandr", "Alexander", "Sergei", "Sergey", "Dmitry", "Dmitriy", "Andrei", "Andrey", "Alexei", "Aleksey", "Maxim", "Evgeny", "Yevgeniy", "Ivan", "Mikhail", "Nikolai", "Vladimir", "Oleg", "Pavel", "Igor", "Roman", "Viktor", "Yuri", "Artem", "Denis"},
		female:       []string{"Elena", "Yelena", "Olga", "Natalia", "Natalya", "Tatiana", "Tatyana", "Irina", "Svetlana", "Anna", "Maria", "Ekaterina", "Yekaterina", "Yulia", "Anastasia", "Marina", "Lyudmila", "Galina", "Daria", "Ksenia"},
		family:       []string{"Ivanov", "Smirnov", "Kuznetsov", "Popov", "Vasiliev", "Vasilyev", "Petrov", "Sokolov", "Mikhailov", "Novikov", "Fedorov", "Fyodorov", "Morozov", "Volkov", "Alekseev", "Lebedev", "Semenov", "Yegorov", "Pavlov", "Kozlov", "Stepanov", "Nikolaev", "Orlov", "Andreev", "Makarov", "Nikitin", "Zakharov", "Zaitsev", "Solovyov", "Borisov", "Yakovlev", "Grigoryev"},
		femaleFamily: func(s string) string { return s + "a" },
		extra:        []string{"Aleksandrovich", "Sergeyevich", "Ivanovich", "Vladimirovich", "Nikolaevich", "Mikhailovich"},
		words:        []string{"Stroyinvest", "Trans", "Trading House", "Agro", "Neftservice"},
		forms:        []string{"OOO", "LLC", "JSC", "AO", "PAO"},
	},
	{ // Ukrainian in Cyrillic
		country: "UA", weight: 2,
		male:   []string{"Олександр", "Сергій", "Андрій", "Дмитро", "Володимир", "Микола", "Іван", "Юрій", "Василь", "Олег", "Тарас", "Богдан"},
		female: []string{"Олена", "Наталія", "Тетяна", "Ірина", "Оксана", "Світлана", "Юлія", "Катерина"},
		family: []string{"Мельник", "Шевченко", "Коваленко", "Бондаренко", "Бойко", "Ткаченко", "Кравченко", "Коваль", "Олійник", "Шевчук", "Поліщук", "Лисенко", "Савченко"},
		words:  []string{"Агро", "Буд", "Інвест"},
		forms:  []string{"ТОВ", "ПрАТ"},
	},
	{ // Ukrainian in Latin
		country: "UA", weight: 2,
		male:   []string{"Oleksandr", "Serhiy", "Andriy", "Dmytro", "Volodymyr", "Mykola", "Ivan", "Yuriy", "Vasyl", "Oleh", "Taras", "Bohdan"},
		female: []string{"Olena", "Nataliia", "Tetiana", "Iryna", "Oksana", "Svitlana", "Yuliia", "Kateryna"},
		family: []string{"Melnyk", "Shevchenko", "Kovalenko", "Bondarenko", "Boyko", "Tkachenko", "Kravchenko", "Koval", "Oliynyk", "Shevchuk", "Polishchuk", "Lysenko", "Savchenko"},
		words:  []string{"Agro", "Bud", "Invest", "Trans"},
		forms:  []string{"LLC", "TOV", "PJSC"},
	},
	{ // Arabic in Arabic script
		country: "SA", weight: 4,
		male:   []string{"محمد", "أحمد", "علي", "عمر", "خالد", "عبد الله", "عبد الرحمن", "يوسف", "إبراهيم", "حسن", "حسين", "مصطفى", "سعيد", "فيصل", "طارق", "ماجد", "سلمان", "ناصر"},
		female: []string{"فاطمة", "عائشة", "مريم", "نور", "سارة", "ليلى", "هدى", "زينب", "خديجة", "أمل", "رنا", "سلمى"},
		family: []string{"العتيبي", "الشمري", "القحطاني", "الغامدي", "الزهراني", "الحربي", "المطيري", "الدوسري", "السعدي", "الحسيني", "المصري", "الخطيب", "حداد", "النجار", "الأحمد", "العلي", "الحسن", "إبراهيم", "يوسف", "منصور"},
		extra:  []string{"بن محمد", "بن علي", "بن عبد الله", "محمد", "أحمد"},
		words:  []string{"للتجارة", "للمقاولات", "للاستثمار", "للنقل"},
		forms:  []string{"ذ.م.م", "شركة", "المحدودة"},
	},
	{ // Arabic in Latin
		country: "AE", weight: 5,
		male:   []string{"Mohammed", "Mohamed", "Muhammad", "Ahmed", "Ahmad", "Ali", "Omar", "Khalid", "Abdullah", "Abdulrahman", "Youssef", "Yousef", "Ibrahim", "Hassan", "Hussein", "Mustafa", "Said", "Faisal", "Tariq", "Majid", "Salman", "Nasser", "Karim", "Hamza", "Bilal"},
		female: []string{"Fatima", "Aisha", "Maryam", "Mariam", "Noor", "Sara", "Layla", "Huda", "Zainab", "Khadija", "Amal", "Rana", "Salma", "Yasmin"},
		family: []string{"Al-Otaibi", "Al Shammari", "Al-Qahtani", "Alghamdi", "Al Zahrani", "Al-Harbi", "Al Mutairi", "Al-Dosari", "Saeed", "Al Hashimi", "El-Masri", "Khatib", "Haddad", "Najjar", "Mansour", "Abdallah", "Hussain", "Rahman", "Salem", "Nasser", "Aziz", "Hamdan", "Al Maktoum", "Farouk", "Kassem", "Darwish"},
		extra:  []string{"bin Mohammed", "bin Ali", "Abdul", "bin Abdullah", "Mohammed", "Ahmed"},
		words:  []string{"General Trading", "Contracting", "Investment", "Real Estate", "Shipping", "Oilfield Services"},
		forms:  []string{"LLC", "FZE", "FZCO", "L.L.C.", "Est."},
	},
	{ // Persian in Persian script
		country: "IR", weight: 2,
		male:   []string{"محمد", "علی", "حسین", "رضا", "مهدی", "امیر", "سعید", "حمید", "مجید", "محسن", "بهنام", "داریوش"},
		female: []string{"فاطمه", "زهرا", "مریم", "معصومه", "نرگس", "پریسا", "شیرین", "لیلا"},
		family: []string{"محمدی", "حسینی", "احمدی", "رضایی", "موسوی", "کریمی", "جعفری", "رحیمی", "هاشمی", "قربانی", "صادقی", "رستمی", "کاظمی", "علیزاده", "تهرانی"},
		words:  []string{"صنعت", "تجارت", "ساختمان"},
		forms:  []string{"شرکت", "سهامی خاص"},
	},
	{ // Persian in Latin
		country: "IR", weight: 2,
		male:   []string{"Mohammad", "Ali", "Hossein", "Reza", "Mehdi", "Amir", "Saeed", "Hamid", "Majid", "Mohsen", "Behnam", "Dariush"},
		female: []string{"Fatemeh", "Zahra", "Maryam", "Masoumeh", "Narges", "Parisa", "Shirin", "Leila"},
		family: []string{"Mohammadi", "Hosseini", "Ahmadi", "Rezaei", "Mousavi", "Karimi", "Jafari", "Rahimi", "Hashemi", "Ghorbani", "Sadeghi", "Rostami", "Kazemi", "Alizadeh", "Hosseinzadeh", "Tehrani"},
		words:  []string{"Sanat", "Tejarat", "Sakhteman", "Pars"},
		forms:  []string{"Co.", "Company", "PJS"},
	},
	{ // Turkish
		country: "TR", weight: 4,
		male:   []string{"Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Hasan", "İbrahim", "İsmail", "Osman", "Yusuf", "Murat", "Ömer", "Ramazan", "Halil", "Süleyman", "Abdullah", "Mahmut", "Emre", "Burak", "Serkan", "Kemal"},
		female: []string{"Fatma", "Ayşe", "Emine", "Hatice", "Zeynep", "Elif", "Meryem", "Şerife", "Zehra", "Sultan", "Hanife", "Merve", "Özlem", "Esra", "Büşra"},
		family: []string{"Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın", "Özdemir", "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan", "Şimşek", "Polat", "Korkmaz", "Erdoğan", "Güneş", "Aksoy"},
		words:  []string{"İnşaat", "Tekstil", "Lojistik", "Gıda", "Otomotiv", "Dış Ticaret"},
		forms:  []string{"A.Ş.", "Ltd. Şti.", "Limited Şirketi", "Anonim Şirketi"},
	},
	{ // Chinese in characters
		country: "CN", weight: 6, familyFirst: true, join: true,
		male:   []string{"伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "志强", "建华", "建国", "海波", "俊杰", "晓东", "国强", "文博", "子轩", "浩然"},
		female: []string{"芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀英", "桂英", "玉兰", "丽娟", "婷婷", "欣怡", "雨桐", "诗涵", "梓涵"},
		family: []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹"},
		words:  []string{"科技", "贸易", "实业", "投资", "电子", "物流"},
		forms:  []string{"有限公司", "股份有限公司", "集团有限公司"},
	},
	{ // Chinese in Pinyin
		country: "CN", weight: 5,
		male:   []string{"Wei", "Qiang", "Lei", "Jun", "Yang", "Yong", "Jie", "Tao", "Ming", "Chao", "Zhiqiang", "Jianhua", "Jianguo", "Haibo", "Junjie", "Xiaodong", "Guoqiang", "Wenbo", "Zixuan", "Haoran"},
		female: []string{"Fang", "Na", "Min", "Jing", "Li", "Yan", "Juan", "Xia", "Xiuying", "Guiying", "Yulan", "Lijuan", "Tingting", "Xinyi", "Yutong", "Shihan"},
		family: []string{"Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Gao", "Lin", "Luo", "Zheng", "Liang", "Xie", "Song", "Tang", "Xu", "Han", "Feng", "Deng", "Cao"},
		words:  []string{"Technology", "Trading", "Industrial", "Investment", "Electronics", "Import and Export"},
		forms:  []string{"Co., Ltd.", "Company Limited", "Group Co., Ltd.", "Limited"},
	},
	{ // Korean in Hangul
		country: "KR", weight: 4, familyFirst: true, join: true,
		male:   []string{"민준", "서준", "도윤", "예준", "시우", "하준", "지호", "준서", "현우", "성민", "영철", "상철", "동현", "재현", "정호"},
		female: []string{"서연", "서윤", "지우", "하은", "민서", "지민", "수빈", "예은", "영희", "미영", "은지", "혜진", "수진", "지영"},
		family: []string{"김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권", "황", "안", "송", "류", "홍"},
		words:  []string{"전자", "건설", "무역", "물산"},
		forms:  []string{"주식회사", "(주)", "유한회사"},
	},
	{ // Korean in Latin
		country: "KR", weight: 4,
		male:   []string{"Min-jun", "Seo-jun", "Do-yoon", "Ji-ho", "Hyun-woo", "Sung-min", "Young-chul", "Dong-hyun", "Jae-hyun", "Jung-ho", "Minjun", "Jihoon", "Sangwoo", "Joon-young", "Kwang-soo"},
		female: []string{"Seo-yeon", "Ji-woo", "Ha-eun", "Min-seo", "Ji-min", "Su-bin", "Young-hee", "Mi-young", "Eun-ji", "Hye-jin", "Soo-jin", "Jiyoung"},
		family: []string{"Kim", "Lee", "Park", "Choi", "Jung", "Jeong", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Oh", "Seo", "Shin", "Kwon", "Hwang", "Ahn", "Song", "Ryu", "Hong", "Yi", "Rhee", "Pak"},
		words:  []string{"Electronics", "Construction", "Trading", "Industries", "Shipping"},
		forms:  []string{"Co., Ltd.", "Corp.", "Inc."},
	},
	{ // Japanese in kanji and kana
		country: "JP", weight: 3, familyFirst: true, join: true,
		male:   []string{"翔太", "大輔", "健太", "拓也", "浩", "誠", "隆", "ひろし", "たかし", "けんじ", "蓮", "悠真"},
		female: []string{"陽子", "恵子", "美咲", "さくら", "ゆい", "あおい", "由美", "直美", "花子", "優子"},
		family: []string{"佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "さとう", "すずき", "たなか"},
		words:  []string{"商事", "工業", "電機", "物産"},
		forms:  []string{"株式会社", "有限会社", "合同会社"},
	},
	{ // Japanese in romaji
		country: "JP", weight: 3,
		male:   []string{"Shota", "Daisuke", "Kenta", "Takuya", "Hiroshi", "Makoto", "Takashi", "Kenji", "Ren", "Yuma", "Haruto", "Sota", "Kazuki"},
		female: []string{"Yoko", "Keiko", "Misaki", "Sakura", "Yui", "Aoi", "Yumi", "Naomi", "Hanako", "Yuko", "Akiko", "Haruka"},
		family: []string{"Sato", "Suzuki", "Takahashi", "Tanaka", "Ito", "Watanabe", "Yamamoto", "Nakamura", "Kobayashi", "Kato", "Yoshida", "Yamada", "Sasaki", "Yamaguchi", "Matsumoto", "Inoue", "Kimura", "Hayashi", "Shimizu"},
		words:  []string{"Shoji", "Kogyo", "Denki", "Bussan", "Trading"},
		forms:  []string{"K.K.", "Kabushiki Kaisha", "Co., Ltd.", "G.K."},
	},
	{ // Vietnamese
		country: "VN", weight: 4, familyFirst: true,
		male:   []string{"Văn Anh", "Minh", "Văn Hùng", "Quang Huy", "Đức Thắng", "Văn Nam", "Hoàng Long", "Tuấn", "Thanh Tùng", "Văn Hải", "Quốc Bảo", "Minh Khoa"},
		female: []string{"Thị Lan", "Thị Hương", "Thị Mai", "Ngọc Anh", "Thu Trang", "Thị Hoa", "Phương Linh", "Thị Thảo", "Bảo Ngọc", "Thị Hằng"},
		family: []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Nguyen", "Tran", "Le", "Pham"},
		words:  []string{"Thương mại", "Xây dựng", "Xuất nhập khẩu", "Đầu tư"},
		forms:  []string{"Công ty TNHH", "Công ty Cổ phần", "Co., Ltd", "JSC"},
	},
	{ // Indian in Devanagari
		country: "IN", weight: 3,
		male:   []string{"राहुल", "अमित", "राजेश", "सुनील", "अनिल", "विजय", "संजय", "रवि", "मनोज", "आकाश"},
		female: []string{"प्रिया", "पूजा", "अंजलि", "सुनीता", "नेहा", "कविता", "रेखा", "आरती"},
		family: []string{"शर्मा", "वर्मा", "गुप्ता", "सिंह", "कुमार", "यादव", "पटेल", "जैन", "अग्रवाल", "मिश्रा"},
		words:  []string{"उद्योग", "ट्रेडर्स"},
		forms:  []string{"प्राइवेट लिमिटेड", "लिमिटेड"},
	},
	{ // Indian in Latin
		country: "IN", weight: 5,
		male:   []string{"Rahul", "Amit", "Rajesh", "Sunil", "Anil", "Vijay", "Sanjay", "Ravi", "Manoj", "Akash", "Arjun", "Suresh", "Ramesh", "Deepak", "Vikram", "Aditya", "Rohit", "Sachin", "Prakash", "Krishna"},
		female: []string{"Priya", "Pooja", "Anjali", "Sunita", "Neha", "Kavita", "Rekha", "Aarti", "Lakshmi", "Divya", "Sneha", "Meena", "Deepika", "Shreya"},
		family: []string{"Sharma", "Verma", "Gupta", "Singh", "Kumar", "Yadav", "Patel", "Jain", "Agarwal", "Mishra", "Reddy", "Nair", "Iyer", "Rao", "Das", "Shah", "Mehta", "Joshi", "Chopra", "Malhotra", "Banerjee", "Chatterjee", "Mukherjee", "Pillai", "Desai"},
		extra:  []string{"Kumar", "Prasad", "Lal", "Chand"},
		words:  []string{"Exports", "Textiles", "Pharma", "Infra", "Industries", "Enterprises", "Traders"},
		forms:  []string{"Pvt. Ltd.", "Private Limited", "Limited", "LLP"},
	},
	{ // Nigerian
		country: "NG", weight: 3,
		male:   []string{"Chukwuemeka", "Oluwaseun", "Adebayo", "Emeka", "Chinedu", "Ibrahim", "Musa", "Abubakar", "Tunde", "Babatunde", "Olumide", "Ifeanyi", "Obinna", "Segun", "Yusuf"},
		female: []string{"Ngozi", "Chioma", "Folake", "Aisha", "Funmilayo", "Adaeze", "Blessing", "Amina", "Yetunde", "Nkechi", "Oluwakemi", "Halima"},
		family: []string{"Okafor", "Adeyemi", "Okonkwo", "Ogunleye", "Eze", "Abubakar", "Bello", "Ibrahim", "Adewale", "Nwosu", "Okeke", "Olawale", "Balogun", "Chukwu", "Obi", "Mohammed", "Danjuma", "Akinola"},
		words:  []string{"Ventures", "Oil and Gas", "Global Resources", "Enterprises", "Agro Allied"},
		forms:  []string{"Ltd", "Limited", "Nigeria Limited", "Plc"},
	},
	{ // Indonesian
		country: "ID", weight: 3,
		male:   []string{"Budi", "Agus", "Joko", "Ahmad", "Hendra", "Rudi", "Dedi", "Eko", "Bambang", "Wahyu", "Andi", "Sutrisno", "Irfan", "Rizky"},
		female: []string{"Siti", "Sri", "Dewi", "Nur", "Ayu", "Rina", "Wati", "Fitri", "Putri", "Indah", "Lestari", "Yuliani"},
		family: []string{"Santoso", "Wijaya", "Saputra", "Hidayat", "Setiawan", "Kurniawan", "Susanto", "Gunawan", "Pratama", "Nugroho", "Halim", "Utomo", "Purnomo", "Siregar", "Nasution", "Harahap"},
		words:  []string{"Sejahtera", "Mandiri", "Makmur", "Abadi", "Jaya"},
		forms:  []string{"PT", "CV", "Tbk"},
	},
	{ // Greek in Greek script
		country: "GR", weight: 1,
		male:   []string{"Γεώργιος", "Ιωάννης", "Κωνσταντίνος", "Δημήτριος", "Νικόλαος", "Παναγιώτης"},
		female: []string{"Μαρία", "Ελένη", "Αικατερίνη", "Βασιλική", "Σοφία"},
		family: []string{"Παπαδόπουλος", "Παπαδάκης", "Γεωργίου", "Οικονόμου", "Νικολάου", "Βλάχος"},
		words:  []string{"Ναυτιλιακή", "Εμπορική"},
		forms:  []string{"Α.Ε.", "Ε.Π.Ε."},
	},
	{ // Greek in Latin
		country: "GR", weight: 1,
		male:   []string{"Giorgos", "Ioannis", "Konstantinos", "Dimitris", "Nikos", "Panagiotis"},
		female: []string{"Maria", "Eleni", "Katerina", "Vasiliki", "Sofia"},
		family: []string{"Papadopoulos", "Papadakis", "Georgiou", "Oikonomou", "Nikolaou", "Vlachos"},
		words:  []string{"Shipping", "Naftiliaki", "Trading"},
		forms:  []string{"S.A.", "A.E.", "Ltd"},
	},
	{ // Hebrew in Hebrew script
		country: "IL", weight: 1,
		male:   []string{"דוד", "משה", "יוסף", "אברהם", "יעקב"},
		female: []string{"שרה", "רחל", "מרים", "נועה"},
		family: []string{"כהן", "לוי", "מזרחי", "פרץ", "ביטון", "פרידמן"},
		words:  []string{"טכנולוגיות", "מערכות"},
		forms:  []string{"בע\"מ"},
	},
	{ // Hebrew names in Latin
		country: "IL", weight: 1,
		male:   []string{"David", "Moshe", "Yosef", "Avraham", "Yaakov", "Itai"},
		female: []string{"Sarah", "Rachel", "Miriam", "Noa", "Tamar"},
		family: []string{"Cohen", "Levi", "Mizrahi", "Peretz", "Biton", "Friedman"},
		words:  []string{"Technologies", "Systems"},
		forms:  []string{"Ltd"},
	},
	{ // Thai in Thai script
		country: "TH", weight: 1,
		male:   []string{"สมชาย", "สมศักดิ์", "ประเสริฐ", "อนันต์"},
		female: []string{"สมหญิง", "มาลี", "ศิริพร"},
		family: []string{"แสงทอง", "ศรีสุข", "วงศ์สวัสดิ์", "ชัยพร"},
		words:  []string{"การค้า", "อุตสาหกรรม"},
		forms:  []string{"บริษัท จำกัด"},
	},
	{ // Thai names in Latin
		country: "TH", weight: 1,
		male:   []string{"Somchai", "Somsak", "Prasert", "Anan"},
		female: []string{"Somying", "Malee", "Siriporn"},
		family: []string{"Saengthong", "Srisuk", "Wongsawat", "Chaiyaporn"},
		words:  []string{"Trading", "Industry"},
		forms:  []string{"Co., Ltd."},
	},
}

// cyrillicFemale gives the female form of a Russian family name in
// Cyrillic: -ов, -ев, -ин take -а.
func cyrillicFemale(s string) string {
	for _, end := range []string{"ов", "ев", "ин"} {
		if len(s) > len(end) && s[len(s)-len(end):] == end {
			return s + "а"
		}
	}
	return s
}
