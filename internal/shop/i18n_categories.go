package shop

// categoryNames are the category tree's names in it, es, ru, el, sr
// (Latin); the English is Category.Name. Search matches all of them.
var categoryNames = map[string][5]string{
	"home":          {"Casa e arredo", "Hogar", "Дом и интерьер", "Σπίτι", "Dom"},
	"furniture":     {"Mobili", "Muebles", "Мебель", "Έπιπλα", "Nameštaj"},
	"tables":        {"Tavoli", "Mesas", "Столы", "Τραπέζια", "Stolovi"},
	"dining-tables": {"Tavoli da pranzo", "Mesas de comedor", "Обеденные столы", "Τραπέζια φαγητού", "Trpezarijski stolovi"},
	"coffee-tables": {"Tavolini", "Mesas de centro", "Журнальные столики", "Τραπεζάκια σαλονιού", "Klub stočići"},
	"seating":       {"Sedute", "Asientos", "Сиденья", "Καθίσματα", "Sedenje"},
	"dining-chairs": {"Sedie da pranzo", "Sillas de comedor", "Обеденные стулья", "Καρέκλες τραπεζαρίας", "Trpezarijske stolice"},
	"stools":        {"Sgabelli e panche", "Taburetes y bancos", "Табуреты и скамьи", "Σκαμπό και πάγκοι", "Hoklice i klupe"},
	"ceramics":      {"Ceramica", "Cerámica", "Керамика", "Κεραμικά", "Keramika"},
	"tiles":         {"Piastrelle", "Azulejos", "Плитка", "Πλακάκια", "Pločice"},
	"wall-tiles":    {"Piastrelle da parete", "Azulejos de pared", "Настенная плитка", "Πλακάκια τοίχου", "Zidne pločice"},
	"floor-tiles":   {"Piastrelle da pavimento", "Baldosas de suelo", "Напольная плитка", "Πλακάκια δαπέδου", "Podne pločice"},
	"tableware":     {"Stoviglie", "Vajilla", "Посуда", "Σερβίτσια", "Posuđe"},
	"plates":        {"Piatti e ciotole", "Platos y cuencos", "Тарелки и миски", "Πιάτα και μπολ", "Tanjiri i činije"},

	"industry":     {"Industria e utensili", "Industria y herramientas", "Промышленность и инструмент", "Βιομηχανία και εργαλεία", "Industrija i alat"},
	"hand-tools":   {"Utensili manuali", "Herramientas manuales", "Ручной инструмент", "Εργαλεία χειρός", "Ručni alat"},
	"wrenches":     {"Chiavi", "Llaves", "Ключи", "Κλειδιά", "Ključevi"},
	"spanners":     {"Chiavi combinate", "Llaves combinadas", "Комбинированные ключи", "Γερμανοπολύγωνα", "Kombinovani ključevi"},
	"hex-keys":     {"Chiavi esagonali", "Llaves Allen", "Шестигранники", "Κλειδιά άλεν", "Imbus ključevi"},
	"measuring":    {"Misura", "Medición", "Измерение", "Μέτρηση", "Merenje"},
	"calipers":     {"Calibri", "Calibres", "Штангенциркули", "Παχύμετρα", "Pomična merila"},
	"power-tools":  {"Accessori per elettroutensili", "Accesorios para herramientas eléctricas", "Оснастка для электроинструмента", "Αξεσουάρ ηλεκτρικών εργαλείων", "Pribor za električni alat"},
	"drilling":     {"Foratura", "Taladrado", "Сверление", "Διάτρηση", "Bušenje"},
	"metal-bits":   {"Punte per metallo", "Brocas para metal", "Свёрла по металлу", "Τρυπάνια μετάλλου", "Burgije za metal"},
	"masonry-bits": {"Punte per muratura", "Brocas para hormigón", "Буры по бетону", "Τρυπάνια δομικών", "Burgije za beton"},

	"services":     {"Servizi professionali", "Servicios profesionales", "Профессиональные услуги", "Επαγγελματικές υπηρεσίες", "Profesionalne usluge"},
	"design":       {"Design", "Diseño", "Дизайн", "Σχεδιασμός", "Dizajn"},
	"interior":     {"Interior design", "Interiorismo", "Дизайн интерьера", "Διακόσμηση εσωτερικών χώρων", "Dizajn enterijera"},
	"consulting":   {"Consulenze", "Consultas", "Консультации", "Συμβουλευτική", "Konsultacije"},
	"rendering":    {"Rendering 3D", "Renderizado 3D", "3D-визуализация", "Τρισδιάστατη απεικόνιση", "3D vizualizacija"},
	"graphic":      {"Grafica", "Diseño gráfico", "Графический дизайн", "Γραφιστική", "Grafički dizajn"},
	"branding":     {"Loghi e immagine coordinata", "Logotipos e identidad", "Логотипы и фирменный стиль", "Λογότυπα και ταυτότητα", "Logotipi i brending"},
	"it":           {"Informatica e web", "Informática y web", "IT и веб", "Πληροφορική και διαδίκτυο", "IT i veb"},
	"web":          {"Sviluppo web", "Desarrollo web", "Веб-разработка", "Ανάπτυξη ιστοσελίδων", "Veb razvoj"},
	"websites":     {"Siti web", "Sitios web", "Сайты", "Ιστοσελίδες", "Sajtovi"},
	"ecommerce":    {"Negozi online", "Tiendas online", "Интернет-магазины", "Ηλεκτρονικά καταστήματα", "Internet prodavnice"},
	"craft":        {"Artigiani", "Oficios", "Мастера", "Τεχνίτες", "Zanati"},
	"installation": {"Posa e montaggio", "Instalación", "Монтаж", "Εγκατάσταση", "Montaža"},
	"tiling":       {"Posa di piastrelle", "Alicatado", "Укладка плитки", "Τοποθέτηση πλακιδίων", "Postavljanje pločica"},
	"assembly":     {"Montaggio mobili", "Montaje de muebles", "Сборка мебели", "Συναρμολόγηση επίπλων", "Montaža nameštaja"},

	"office":         {"Ufficio e stampa", "Oficina e imprenta", "Офис и печать", "Γραφείο και εκτυπώσεις", "Kancelarija i štampa"},
	"print":          {"Stampa", "Imprenta", "Печать", "Εκτυπώσεις", "Štampa"},
	"stationery":     {"Cancelleria", "Papelería", "Бланки и открытки", "Χαρτικά", "Papirna galanterija"},
	"business-cards": {"Biglietti da visita", "Tarjetas de visita", "Визитки", "Επαγγελματικές κάρτες", "Vizit karte"},
	"letterpress":    {"Stampa tipografica", "Tipografía", "Высокая печать", "Τυπογραφική εκτύπωση", "Visoka štampa"},
	"packaging":      {"Imballaggi", "Embalaje", "Упаковка", "Συσκευασία", "Ambalaža"},
	"boxes":          {"Scatole", "Cajas", "Коробки", "Κουτιά", "Kutije"},
	"labels":         {"Etichette e adesivi", "Etiquetas y pegatinas", "Этикетки и наклейки", "Ετικέτες και αυτοκόλλητα", "Etikete i nalepnice"},
}

// categoryName is a category's name in lang (English when missing).
func categoryName(lang string, c *Category) string {
	if i := langIndex(lang); i >= 0 {
		if n := categoryNames[c.ID][i]; n != "" {
			return n
		}
	}
	return c.Name
}

// CategoryTranslations is the category path in the shop's other languages,
// keyed by language tag, for Parley to show each reader theirs.
func (c *Catalog) CategoryTranslations(id string) map[string][]string {
	out := map[string][]string{}
	for _, l := range Languages[1:] {
		tag := l.Tag
		if tag == "sr" {
			tag = "sr-Latn" // the shop's Serbian is the Latin script
		}
		for _, cat := range c.Path(id) {
			out[tag] = append(out[tag], categoryName(l.Tag, cat))
		}
	}
	return out
}
