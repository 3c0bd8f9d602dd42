/* names.c -- the generator's data tables (names by origin, nicknames, look-alikes, domains). */
#include "names.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* English-speaking (US, UK, Ireland, Australia), including Irish and Scottish surnames. */
static const char *const en_first[] = {
	"John", "Michael", "James", "Mary", "David", "Robert", "Jennifer", "William", "Sarah",
	"Elizabeth", "Christopher", "Jessica", "Daniel", "Emily", "Matthew", "Ashley", "Thomas",
	"Amanda", "Richard", "Katherine", "Joseph", "Laura", "Anthony", "Rebecca", "Andrew",
	"Margaret", "Joshua", "Stephanie", "Kevin", "Nicole", "Brian", "Rachel", "Steven", "Megan",
	"Timothy", "Heather", "Patrick", "Samantha", "Edward", "Olivia", "Benjamin", "Hannah",
	"Jonathan", "Victoria", "Nicholas", "Chloe", "Gregory", "Abigail", "Ryan", "Lauren",
	"Kenneth", "Grace", "Alexander", "Charlotte", "Jacob", "Amelia", "Tyler", "Sophie",
	"Nathan", "Isabella", "Aidan", "Siobhan", "Declan", "Niamh", "Ciaran", "Aoife", "Liam",
	"Caoimhe", "Eoin", "Saoirse", "Ruairi", "Orla", "Callum", "Fiona", "Angus", "Eilidh",
	"Graham", "Harriet", "Rupert", "Imogen", "Zachary", "Madison", "Brandon", "Brittany",
	"Dwayne", "Latoya", "Tremaine", "Shanice", NULL,
};
static const char *const en_last[] = {
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Taylor",
	"Anderson", "Thomas", "Jackson", "White", "Harris", "Martin", "Thompson", "Moore", "Clark",
	"Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Hill",
	"Green", "Adams", "Baker", "Nelson", "Carter", "Mitchell", "Roberts", "Turner", "Phillips",
	"Campbell", "Parker", "Evans", "Edwards", "Collins", "Stewart", "Morris", "Murphy",
	"Cook", "Rogers", "Morgan", "Cooper", "Peterson", "Bailey", "Reed", "Kelly", "Howard",
	"Ward", "Cox", "Richardson", "Wood", "Watson", "Brooks", "Bennett", "Gray", "Hughes",
	"Price", "Sanders", "Myers", "Long", "Ross", "Foster", "O'Brien", "O'Connor", "O'Neill",
	"O'Sullivan", "O'Reilly", "McCarthy", "McDonald", "MacLeod", "McKenzie", "Fitzgerald",
	"Gallagher", "Doherty", "Kennedy", "Byrne", "Ryan", "Walsh", "Quinn", "Donnelly",
	"Featherstonehaugh", "Cholmondeley", "Ashworth", "Pemberton", "Whitfield", "Hargreaves",
	"Blackwood", "Thistlewaite", "Llewellyn", "Pritchard", "Vaughan", NULL,
};
/* Spanish and Portuguese (Spain, Latin America, Portugal, Brazil). */
static const char *const es_first[] = {
	"María", "José", "Juan", "Ana", "Carlos", "Luis", "Carmen", "Francisco", "Antonio",
	"Laura", "Javier", "Lucía", "Miguel", "Sofía", "Pedro", "Isabel", "Manuel", "Elena",
	"Alejandro", "Marta", "Jesús", "Paula", "Diego", "Cristina", "Fernando", "Andrea",
	"Sergio", "Raquel", "Pablo", "Beatriz", "Jorge", "Valentina", "Ricardo", "Camila",
	"Álvaro", "Ximena", "Ramón", "Guadalupe", "Joaquín", "Inés", "Iñaki", "Begoña",
	"João", "Gonçalo", "Conceição", "Luís", "Thiago", "Letícia", "Leandro", "Fábio",
	"Mónica", "Raúl", "Adrián", "Nicolás", "Sebastián", "Julián", "Agustín", "Martín",
	"Xiomara", "Yolanda", "Rocío", "Aitana", "Gisele", "Rafael", "Bruno", "Vitória", NULL,
};
static const char *const es_last[] = {
	"García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez",
	"Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez",
	"Romero", "Alonso", "Gutiérrez", "Navarro", "Torres", "Domínguez", "Vázquez", "Ramos",
	"Gil", "Ramírez", "Serrano", "Blanco", "Molina", "Morales", "Suárez", "Ortega", "Delgado",
	"Castro", "Ortiz", "Rubio", "Marín", "Sanz", "Núñez", "Iglesias", "Medina", "Garrido",
	"Cortés", "Castillo", "Santos", "Lozano", "Guerrero", "Cano", "Prieto", "Méndez",
	"Silva", "Oliveira", "Souza", "Pereira", "Costa", "Ferreira", "Almeida", "Carvalho",
	"Gonçalves", "Araújo", "Magalhães", "Conceição", "Nascimento", "Azevedo", "Ibáñez",
	"Quintanilla", "Echeverría", "Villaseñor", "Zúñiga", "Peña", "Beltrán", "Calderón", NULL,
};
/* German, Austrian, Swiss. */
static const char *const de_first[] = {
	"Thomas", "Michael", "Andreas", "Stefan", "Anna", "Julia", "Katharina", "Markus", "Jürgen",
	"Sabine", "Ursula", "Wolfgang", "Klaus", "Petra", "Monika", "Jörg", "Günter", "Uwe",
	"Sören", "Björn", "Lena", "Lea", "Jonas", "Lukas", "Maximilian", "Sebastian", "Johannes",
	"Friedrich", "Heinz", "Dieter", "Brigitte", "Gisela", "Käthe", "Hannelore", "Tobias",
	"Matthias", "Florian", "Sophie", "Mia", "Felix", "Jan", "Kai", "Anja", "Silke", "Dörte",
	"Ingrid", "Helmut", "Manfred", "Bärbel", "Karl", NULL,
};
static const char *const de_last[] = {
	"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
	"Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder",
	"Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange",
	"Schmitt", "Werner", "Schmitz", "Krause", "Meier", "Lehmann", "Schmid", "Schulze",
	"Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer", "Huber", "Kaiser", "Fuchs",
	"Peters", "Lang", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Vogel", "Friedrich",
	"Keller", "Günther", "Frank", "Berger", "Winkler", "Roth", "Beck", "Lorenz", "Baumann",
	"Strauß", "Groß", "Jäger", "Blümel", "Oßwald", NULL,
};
/* French, Belgian, Quebecois. */
static const char *const fr_first[] = {
	"Marie", "Jean", "Pierre", "Michel", "Nathalie", "Isabelle", "Sylvie", "Philippe",
	"Catherine", "Françoise", "Nicolas", "Stéphane", "Céline", "Sébastien", "Hélène",
	"Frédéric", "Aurélie", "Jérôme", "Émilie", "Léa", "Chloé", "Camille", "Manon", "Théo",
	"Hugo", "Lucas", "Clément", "Mathéo", "Noémie", "Zoé", "Gaëlle", "Maëlle", "Loïc",
	"Benoît", "Anaïs", "Joël", "Raphaël", "François", "Thérèse", "Agnès", "Jean-Pierre",
	"Jean-Luc", "Marie-Claire", "Anne-Sophie", NULL,
};
static const char *const fr_last[] = {
	"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
	"Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
	"Vincent", "Fournier", "Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont",
	"Lambert", "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau",
	"Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu",
	"Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Béranger",
	"Desjardins", "Côté", "Bélanger", "Lévesque", "Gagné", "Bouchard", NULL,
};
/* Polish, Czech, Slovak. */
static const char *const pl_first[] = {
	"Anna", "Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Michał", "Marcin",
	"Katarzyna", "Małgorzata", "Agnieszka", "Barbara", "Łukasz", "Grzegorz", "Jakub",
	"Bartłomiej", "Wojciech", "Zofia", "Joanna", "Magdalena", "Ewa", "Jadwiga", "Jiří",
	"Petr", "Jana", "Tereza", "Lucie", "Václav", "Tomáš", "Radek", "Zdeněk", "Lenka",
	"Věra", "Ondřej", "Štěpán", "Kateřina", NULL,
};
static const char *const pl_last[] = {
	"Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
	"Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur",
	"Kwiatkowski", "Krawczyk", "Piotrowski", "Grabowski", "Nowakowski", "Pawłowski",
	"Michalski", "Król", "Wieczorek", "Jabłoński", "Wróbel", "Nováková", "Novák", "Svoboda",
	"Novotný", "Dvořák", "Černý", "Procházka", "Kučera", "Veselý", "Horák", "Němec",
	"Pokorný", "Marek", "Růžička", "Hájek", "Brzęczyszczykiewicz", NULL,
};
/* Danish, Norwegian, Swedish, Finnish, Icelandic. */
static const char *const nord_first[] = {
	"Lars", "Anders", "Erik", "Nils", "Søren", "Jens", "Magnus", "Bjørn", "Ole", "Per",
	"Anna", "Kristin", "Ingrid", "Astrid", "Sigrid", "Karin", "Maja", "Freja", "Åsa",
	"Mette", "Signe", "Linnéa", "Björn", "Göran", "Håkan", "Jörgen", "Torbjörn", "Ægir",
	"Sigurður", "Guðrún", "Þóra", "Mikko", "Jukka", "Päivi", "Aino", "Kaisa", NULL,
};
static const char *const nord_last[] = {
	"Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Larsen", "Sørensen",
	"Rasmussen", "Johansen", "Olsen", "Andersson", "Johansson", "Karlsson", "Nilsson",
	"Eriksson", "Larsson", "Olsson", "Persson", "Svensson", "Gustafsson", "Pettersson",
	"Lindqvist", "Bergström", "Lindström", "Åberg", "Sjöberg", "Dahl", "Haugen", "Berg",
	"Strøm", "Løvås", "Bjørnstad", "Kristiansen", "Halvorsen", "Virtanen", "Korhonen",
	"Mäkinen", "Nieminen", "Hämäläinen", "Jónsdóttir", "Sigurðsson", NULL,
};
/* Turkish. */
static const char *const tr_first[] = {
	"Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Hasan", "İbrahim", "İsmail", "Ömer",
	"Yusuf", "Fatma", "Ayşe", "Emine", "Hatice", "Zeynep", "Elif", "Şule", "Gülşen",
	"Özlem", "Çağla", "Burak", "Emre", "Uğur", "Barış", "Cem", "Deniz", "Ilgın", "Işıl",
	"Ümit", "Eda", NULL,
};
static const char *const tr_last[] = {
	"Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın",
	"Özdemir", "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt",
	"Özkan", "Şimşek", "Polat", "Erdoğan", "Güneş", "Aktaş", "Bulut", "Işık", NULL,
};
/* Vietnamese (family name first in speech; Connect stores it in LastName). */
static const char *const vi_first[] = {
	"Anh", "Minh", "Hương", "Linh", "Tuấn", "Dũng", "Hùng", "Lan", "Thảo", "Phương",
	"Hoa", "Trang", "Hải", "Quang", "Thành", "Hạnh", "Ngọc", "Đức", "Long", "Nhung",
	"Khánh", "Bảo", "Thu", "Vy", NULL,
};
static const char *const vi_last[] = {
	"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
	"Đỗ", "Hồ", "Ngô", "Dương", "Lý", NULL,
};
/* Indian (Hindi, Tamil, Telugu, Bengali, Punjabi names in their usual Latin spelling). */
static const char *const in_first[] = {
	"Rahul", "Priya", "Amit", "Anjali", "Rajesh", "Sunita", "Vikram", "Deepak", "Pooja",
	"Arjun", "Neha", "Suresh", "Lakshmi", "Ravi", "Kavitha", "Sanjay", "Divya", "Anil",
	"Meena", "Karthik", "Aishwarya", "Venkatesh", "Srinivas", "Harpreet", "Gurpreet",
	"Manpreet", "Abhishek", "Sneha", "Rohan", "Ananya", "Aditya", "Ishaan", "Nikhil",
	"Shreya", "Prakash", "Rekha", "Ganesh", "Swati", "Sourav", "Debjani", NULL,
};
static const char *const in_last[] = {
	"Kumar", "Sharma", "Singh", "Patel", "Gupta", "Reddy", "Rao", "Iyer", "Nair", "Das",
	"Mehta", "Shah", "Joshi", "Verma", "Agarwal", "Mishra", "Chopra", "Malhotra", "Kapoor",
	"Banerjee", "Chatterjee", "Mukherjee", "Bhattacharya", "Pillai", "Menon", "Krishnan",
	"Subramanian", "Venkataraman", "Naidu", "Desai", "Kulkarni", "Deshpande", "Sandhu",
	"Gill", "Dhillon", "Sengupta", "Chakraborty", "Ramachandran", NULL,
};
/* Arabic names in common Latin transliterations (Gulf, Levant, Egypt, Maghreb). */
static const char *const ar_first[] = {
	"Mohammed", "Ahmed", "Ali", "Omar", "Fatima", "Aisha", "Mariam", "Youssef", "Khalid",
	"Hassan", "Hussein", "Ibrahim", "Abdullah", "Layla", "Nour", "Rania", "Samir", "Tariq",
	"Karim", "Yasmin", "Salma", "Hamza", "Bilal", "Zainab", "Khadija", "Mustafa", "Walid",
	"Hala", "Abdulrahman", "Faisal", NULL,
};
static const char *const ar_last[] = {
	"Al-Sayed", "Hassan", "Haddad", "Khoury", "Mansour", "Nasser", "Saleh", "Abdullah",
	"Al-Farsi", "Al-Mansoori", "Al-Hashimi", "El-Amin", "Ibrahim", "Khalil", "Aziz",
	"Bakr", "Darwish", "Farouk", "Ghanem", "Hamdan", "Jaber", "Kassem", "Mahmoud",
	"Nassar", "Qasim", "Rahman", "Sabbagh", "Taha", "Yousef", "Zaki", "Ben Ali",
	"Bouzid", "El Idrissi", NULL,
};
/* Greek (native script, with the usual romanisation). */
static const char *const el_first[] = {
	"Γιώργος|Giorgos", "Δημήτρης|Dimitris", "Κωνσταντίνος|Konstantinos", "Νίκος|Nikos",
	"Μαρία|Maria", "Ελένη|Eleni", "Αικατερίνη|Aikaterini", "Βασιλική|Vasiliki",
	"Ιωάννης|Ioannis", "Σοφία|Sofia", "Παναγιώτης|Panagiotis", "Αναστασία|Anastasia",
	"Χρήστος|Christos", "Δέσποινα|Despoina", NULL,
};
static const char *const el_last[] = {
	"Παπαδόπουλος|Papadopoulos", "Παππάς|Pappas", "Οικονόμου|Oikonomou",
	"Γεωργίου|Georgiou", "Νικολάου|Nikolaou", "Βασιλείου|Vasileiou",
	"Καραγιάννης|Karagiannis", "Αθανασίου|Athanasiou", "Δημητρίου|Dimitriou",
	"Μακρής|Makris", "Αντωνίου|Antoniou", "Ζαχαρίου|Zachariou", NULL,
};
/* Russian and Ukrainian (Cyrillic, with a common passport-style romanisation). */
static const char *const ru_first[] = {
	"Александр|Aleksandr", "Сергей|Sergey", "Дмитрий|Dmitry", "Андрей|Andrey",
	"Алексей|Aleksey", "Иван|Ivan", "Елена|Elena", "Ольга|Olga", "Наталья|Natalya",
	"Татьяна|Tatyana", "Ирина|Irina", "Мария|Mariya", "Екатерина|Ekaterina",
	"Анна|Anna", "Михаил|Mikhail", "Николай|Nikolay", "Юлия|Yuliya", "Светлана|Svetlana",
	"Олександр|Oleksandr", "Оксана|Oksana", "Богдан|Bohdan", "Тарас|Taras",
	"Олена|Olena", "Юрій|Yurii", "Євгенія|Yevheniia", NULL,
};
static const char *const ru_last[] = {
	"Иванов|Ivanov", "Смирнов|Smirnov", "Кузнецов|Kuznetsov", "Попов|Popov",
	"Васильев|Vasilyev", "Петров|Petrov", "Соколов|Sokolov", "Михайлов|Mikhaylov",
	"Новиков|Novikov", "Фёдоров|Fedorov", "Морозов|Morozov", "Волков|Volkov",
	"Иванова|Ivanova", "Смирнова|Smirnova", "Кузнецова|Kuznetsova", "Петрова|Petrova",
	"Шевченко|Shevchenko", "Коваленко|Kovalenko", "Бондаренко|Bondarenko",
	"Ткаченко|Tkachenko", "Мельник|Melnyk", "Кравченко|Kravchenko", "Ковальчук|Kovalchuk",
	NULL,
};
/* Chinese (simplified characters, pinyin without tones). */
static const char *const zh_first[] = {
	"伟|Wei", "芳|Fang", "娜|Na", "敏|Min", "静|Jing", "丽|Li", "强|Qiang", "磊|Lei",
	"军|Jun", "洋|Yang", "勇|Yong", "艳|Yan", "杰|Jie", "娟|Juan", "涛|Tao", "明|Ming",
	"超|Chao", "秀英|Xiuying", "霞|Xia", "平|Ping", "刚|Gang", "桂英|Guiying",
	"建华|Jianhua", "晓明|Xiaoming", "子涵|Zihan", "欣怡|Xinyi", "浩然|Haoran", "雨轩|Yuxuan",
	NULL,
};
static const char *const zh_last[] = {
	"王|Wang", "李|Li", "张|Zhang", "刘|Liu", "陈|Chen", "杨|Yang", "黄|Huang", "赵|Zhao",
	"吴|Wu", "周|Zhou", "徐|Xu", "孙|Sun", "马|Ma", "朱|Zhu", "胡|Hu", "郭|Guo", "何|He",
	"高|Gao", "林|Lin", "罗|Luo", "郑|Zheng", "梁|Liang", "谢|Xie", "宋|Song", "唐|Tang",
	"欧阳|Ouyang", "司马|Sima", NULL,
};
/* Japanese (kanji, Hepburn romanisation). */
static const char *const ja_first[] = {
	"陽翔|Haruto", "蓮|Ren", "大翔|Hiroto", "悠真|Yuma", "湊|Minato", "健太|Kenta",
	"翔太|Shota", "拓也|Takuya", "陽葵|Himari", "結衣|Yui", "さくら|Sakura", "美咲|Misaki",
	"葵|Aoi", "花子|Hanako", "直子|Naoko", "由美子|Yumiko", "太郎|Taro", "裕子|Yuko", NULL,
};
static const char *const ja_last[] = {
	"佐藤|Sato", "鈴木|Suzuki", "高橋|Takahashi", "田中|Tanaka", "伊藤|Ito",
	"渡辺|Watanabe", "山本|Yamamoto", "中村|Nakamura", "小林|Kobayashi", "加藤|Kato",
	"吉田|Yoshida", "山田|Yamada", "佐々木|Sasaki", "山口|Yamaguchi", "松本|Matsumoto",
	"井上|Inoue", "木村|Kimura", "林|Hayashi", NULL,
};
/* Korean (hangul, revised romanisation as people usually write it). */
static const char *const ko_first[] = {
	"민준|Minjun", "서연|Seoyeon", "지훈|Jihoon", "지민|Jimin", "서준|Seojun",
	"하은|Haeun", "도윤|Doyun", "수빈|Subin", "예준|Yejun", "지우|Jiwoo", "현우|Hyunwoo",
	"은지|Eunji", "영호|Youngho", "미경|Mikyung", NULL,
};
static const char *const ko_last[] = {
	"김|Kim", "이|Lee", "박|Park", "최|Choi", "정|Jung", "강|Kang", "조|Cho", "윤|Yoon",
	"장|Jang", "임|Lim", "한|Han", "오|Oh", "서|Seo", "신|Shin", "권|Kwon", "황|Hwang",
	NULL,
};

/* Surname parts: each pair makes a plausible (often real) rare surname. */
static const char *const en_pre[] = {
	"Ash", "Black", "Brad", "Brook", "Cal", "Chad", "Crom", "Dun", "Fair", "Hal", "Hol",
	"Lang", "Mar", "Pen", "Rad", "Stan", "Thorn", "Wal", "Wen", "Whit", "Wood", "Hather",
	"Ather", "Buck", "Elling", "Kings", "Mid", "Net", "Ox", "Ray", NULL,
};
static const char *const en_suf[] = {
	"ford", "ley", "ton", "worth", "wood", "field", "by", "more", "ham", "well", "wick",
	"stead", "dale", "bury", "combe", "hurst", "shaw", "thorpe", "bridge", "cote", NULL,
};
static const char *const es_pre[] = {
	"Valde", "Monte", "Villa", "Castel", "Bel", "Alta", "Río", "Santa", "Fuen", "Torre",
	"Peña", "Val", "Casa", "Vega", "Sierra", "Cabre", "Olme", "Carras", "Arro", "Mira", NULL,
};
static const char *const es_suf[] = {
	"rrama", "negro", "lobos", "mayor", "nueva", "blanca", "verde", "real", "seca", "alba",
	"franca", "llana", "rubia", "fría", "flor", "mar", "sol", "quemada", NULL,
};
static const char *const de_pre[] = {
	"Stein", "Berg", "Rosen", "Lichten", "Schön", "Eichen", "Wald", "Gold", "Silber", "Hoch",
	"Adler", "Blumen", "Feld", "Kirch", "Mühl", "Rein", "Grün", "Linden", "Tann", "Sonnen",
	"Falken", "Wolfs", "Bären", "Hirsch", NULL,
};
static const char *const de_suf[] = {
	"berg", "feld", "mann", "thal", "stein", "bach", "hauser", "hofer", "meier", "burger",
	"wald", "brunner", "huber", "dorf", "acker", "bichler", NULL,
};
static const char *const nord_pre[] = {
	"Lind", "Berg", "Sjö", "Ek", "Holm", "Dahl", "Ny", "Ström", "Sand", "Björk", "Al",
	"Ask", "Hag", "Kvarn", "Ros", "Sol", "Vik", "Å", "Fjell", "Stor", NULL,
};
static const char *const nord_suf[] = {
	"qvist", "gren", "ström", "berg", "lund", "man", "holm", "blad", "dahl", "vall",
	"stedt", "sten", "ås", "by", "heim", "nes", NULL,
};
static const char *const pl_pre[] = {
	"Kowal", "Wiśni", "Zieliń", "Dąbr", "Lewan", "Grab", "Pawł", "Jabłoń", "Szyman",
	"Kozł", "Wrób", "Sobiesz", "Bork", "Czarn", "Gór", "Laskow", "Mał", "Orzech", "Rud",
	"Stawi", NULL,
};
static const char *const pl_suf[] = {
	"ski", "owski", "ewski", "czyk", "ak", "iak", "ecki", "icki", NULL,
};
static const char *const in_pre[] = {
	"Ram", "Krish", "Subra", "Venkat", "Bala", "Raghu", "Siva", "Nara", "Gopal", "Hari",
	"Sri", "Chandra", "Vijaya", "Padma", "Rama", "Lakshmi", NULL,
};
static const char *const in_suf[] = {
	"krishnan", "murthy", "swamy", "raman", "nathan", "sundaram", "rajan", "kumar",
	"prasad", "narayanan", "chari", "reddy", NULL,
};

const struct names_culture names_cultures[] = {
	{ "english", 24, en_first, en_last, 1, 30, 0, "+1", "", 10, en_pre, en_suf, 35, 0, 0 },
	{ "english_uk", 6, en_first, en_last, 1, 40, 0, "+44", "7", 9, en_pre, en_suf, 40, 0, 0 },
	{ "spanish", 12, es_first, es_last, 1, 60, 0, "+34", "6", 8, es_pre, es_suf, 30, ' ', 25 },
	{ "latam", 6, es_first, es_last, 1, 60, 0, "+52", "1", 10, es_pre, es_suf, 30, ' ', 25 },
	{ "portuguese", 5, es_first, es_last, 1, 20, 0, "+55", "119", 8, es_pre, es_suf, 25, ' ', 25 },
	{ "german", 6, de_first, de_last, 1, 15, 0, "+49", "15", 9, de_pre, de_suf, 40, '-', 10 },
	{ "french", 6, fr_first, fr_last, 1, 25, 0, "+33", "6", 8, NULL, NULL, 0, '-', 15 },
	{ "polish_czech", 4, pl_first, pl_last, 1, 5, 0, "+48", "5", 8, pl_pre, pl_suf, 40, 0, 0 },
	{ "nordic", 3, nord_first, nord_last, 1, 5, 0, "+45", "2", 7, nord_pre, nord_suf, 40, '-', 8 },
	{ "turkish", 3, tr_first, tr_last, 1, 0, 0, "+90", "5", 9, NULL, NULL, 0, ' ', 8 },
	{ "vietnamese", 3, vi_first, vi_last, 1, 0, 0, "+84", "9", 8, NULL, NULL, 0, ' ', 40 },
	{ "indian", 9, in_first, in_last, 1, 0, 0, "+91", "9", 9, in_pre, in_suf, 35, 0, 0 },
	{ "arabic", 4, ar_first, ar_last, 1, 0, 0, "+971", "5", 8, NULL, NULL, 0, ' ', 15 },
	{ "greek", 1, el_first, el_last, 0, 0, 50, "+30", "69", 8, NULL, NULL, 0, 0, 0 },
	{ "russian_ukrainian", 3, ru_first, ru_last, 0, 0, 70, "+7", "9", 9, NULL, NULL, 0, 0, 0 },
	{ "chinese", 5, zh_first, zh_last, 0, 0, 40, "+86", "13", 9, NULL, NULL, 0, 0, 15 },
	{ "japanese", 2, ja_first, ja_last, 0, 0, 50, "+81", "90", 8, NULL, NULL, 0, 0, 0 },
	{ "korean", 2, ko_first, ko_last, 0, 0, 50, "+82", "10", 8, NULL, NULL, 0, 0, 0 },
};
const size_t names_ncultures = LEN(names_cultures);

const struct names_nick names_nicks[] = {
	{ "Robert", "Bob", "english" }, { "Robert", "Rob", "english" },
	{ "William", "Bill", "english" }, { "William", "Will", "english" },
	{ "Katherine", "Kate", "english" }, { "Katherine", "Kathy", "english" },
	{ "Elizabeth", "Liz", "english" }, { "Elizabeth", "Beth", "english" },
	{ "Margaret", "Maggie", "english" }, { "Margaret", "Peggy", "english" },
	{ "Richard", "Rick", "english" }, { "Richard", "Dick", "english" },
	{ "James", "Jim", "english" }, { "James", "Jimmy", "english" },
	{ "Michael", "Mike", "english" }, { "Thomas", "Tom", "english" },
	{ "Jennifer", "Jenny", "english" }, { "Christopher", "Chris", "english" },
	{ "Daniel", "Danny", "english" }, { "Joseph", "Joe", "english" },
	{ "Anthony", "Tony", "english" }, { "Edward", "Ted", "english" },
	{ "Edward", "Eddie", "english" }, { "Alexander", "Alex", "english" },
	{ "Nicholas", "Nick", "english" }, { "Benjamin", "Ben", "english" },
	{ "Alexander", "Sasha", "english" },
	{ "Jonathan", "Jon", "english" }, { "Samantha", "Sam", "english" },
	{ "Victoria", "Vicky", "english" }, { "Rebecca", "Becky", "english" },
	{ "Timothy", "Tim", "english" }, { "Patrick", "Paddy", "english" },
	{ "Gregory", "Greg", "english" }, { "Kenneth", "Ken", "english" },
	{ "Steven", "Steve", "english" }, { "Matthew", "Matt", "english" },
	{ "Andrew", "Andy", "english" }, { "Zachary", "Zach", "english" },
	{ "José", "Pepe", "spanish" }, { "Francisco", "Paco", "spanish" },
	{ "Francisco", "Pancho", "latam" }, { "Jesús", "Chucho", "latam" },
	{ "Guadalupe", "Lupe", "latam" }, { "Manuel", "Manolo", "spanish" },
	{ "Alejandro", "Álex", "spanish" }, { "Ignacio", "Nacho", "spanish" },
	{ "Antonio", "Toño", "latam" }, { "Rafael", "Rafa", "spanish" },
	{ "Johannes", "Hans", "german" }, { "Friedrich", "Fritz", "german" },
	{ "Katharina", "Kathi", "german" }, { "Matthias", "Matze", "german" },
	{ "Maximilian", "Max", "german" }, { "Sebastian", "Basti", "german" },
	{ "Nicolas", "Nico", "french" }, { "Frédéric", "Fred", "french" },
	{ "Małgorzata", "Gosia", "polish_czech" }, { "Katarzyna", "Kasia", "polish_czech" },
	{ "Aleksandr", "Sasha", "russian_ukrainian" },
	{ "Александр|Aleksandr", "Саша|Sasha", "russian_ukrainian" }, { "Дмитрий|Dmitry", "Дима|Dima", "russian_ukrainian" },
	{ "Екатерина|Ekaterina", "Катя|Katya", "russian_ukrainian" }, { "Михаил|Mikhail", "Миша|Misha", "russian_ukrainian" },
	{ "Наталья|Natalya", "Наташа|Natasha", "russian_ukrainian" }, { "Елена|Elena", "Лена|Lena", "russian_ukrainian" },
	{ "Mohammed", "Mo", "arabic" }, { "Abdullah", "Abdu", "arabic" },
	{ "Venkatesh", "Venky", "indian" }, { "Srinivas", "Srini", "indian" },
	{ "Konstantinos", "Kostas", "greek" }, { "Κωνσταντίνος|Konstantinos", "Κώστας|Kostas", "greek" },
};
const size_t names_nnicks = LEN(names_nicks);

const struct names_pair names_similar[] = {
	{ "Hansen", "Hanson", 0 }, { "Jensen", "Jenson", 0 }, { "Meyer", "Meier", 0 },
	{ "Schmidt", "Schmitt", 0 }, { "Nielsen", "Nilsen", 0 }, { "Petersen", "Peterson", 0 },
	{ "Thomson", "Thompson", 0 }, { "Smith", "Smyth", 0 }, { "Clark", "Clarke", 0 },
	{ "Brown", "Browne", 0 }, { "Gray", "Grey", 0 }, { "Nowak", "Novak", 0 },
	{ "Silva", "Sylva", 0 }, { "Sousa", "Souza", 0 }, { "Lopes", "Lopez", 0 },
	{ "Alvarez", "Alvares", 0 }, { "Mayer", "Maier", 0 }, { "Philips", "Phillips", 0 },
	{ "Reid", "Reed", 0 }, { "Stewart", "Steward", 0 }, { "Mathews", "Matthews", 0 },
	{ "Kowalski", "Kowalska", 0 }, { "Carlson", "Karlson", 0 }, { "Hoffman", "Hofman", 0 },
	{ "Johnson", "Jonson", 0 }, { "Andersen", "Anderson", 0 }, { "Kumar", "Kumari", 0 },
	{ "Rao", "Roa", 0 }, { "Shah", "Sha", 0 }, { "Costa", "Costas", 0 },
	{ "Jon", "John", 1 }, { "Ann", "Anne", 1 }, { "Eric", "Erik", 1 }, { "Carl", "Karl", 1 },
	{ "Sara", "Sarah", 1 }, { "Mark", "Marc", 1 }, { "Kristin", "Kristen", 1 },
	{ "Philip", "Phillip", 1 }, { "Stephen", "Steven", 1 },
	{ "Rebecca", "Rebekah", 1 }, { "Michal", "Michel", 1 }, { "Maria", "Marie", 1 },
	{ "Daniela", "Daniele", 1 }, { "Elena", "Elina", 1 }, { "Amit", "Amir", 1 },
};
const size_t names_nsimilar = LEN(names_similar);

/* Fictional companies (AnyCompany is the name AWS documentation uses) and reserved names. */
const char *const names_domains[] = {
	"anycompany.com", "anycompany.co.uk", "support.anycompany.com", "example.com",
	"contact.example.org", "exampletravel.net",
};
const size_t names_ndomains = LEN(names_domains);

/* Personal addresses people put in SecondaryEmail; gmail.com matters for the dots kind. */
const char *const names_personal_domains[] = {
	"gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me", "gmx.de",
};
const size_t names_npersonal_domains = LEN(names_personal_domains);

const char *const names_departments[] = {
	"Sales", "Support", "Billing", "Retention", "Technical Support", "Collections",
	"Onboarding", "Claims", "Reservations", "Customer Care",
};
const size_t names_ndepartments = LEN(names_departments);

const char *const names_sites[] = {
	"Seattle", "Dublin", "Lisbon", "Manila", "Bogotá", "Kraków", "Hyderabad", "Cape Town",
	"Cluj-Napoca", "São Paulo", "Sydney", "Tokyo",
};
const size_t names_nsites = LEN(names_sites);

const char *const names_plus_tags[] = {
	"connect", "old", "test", "agent", "2", "training", "sales", "backup",
};
const size_t names_nplus_tags = LEN(names_plus_tags);
