package shop

// quoteFormLanguages are the languages the shop sends its quote forms'
// strings in besides English (Serbian in Latin script, as the shop writes
// it).
var quoteFormLanguages = []string{"it", "es", "ru", "el", "sr-Latn"}

// quoteFormTexts are the quote forms' strings in quoteFormLanguages' order,
// keyed by the English one.
var quoteFormTexts = map[string][5]string{
	"Your project":      {"Il tuo progetto", "Tu proyecto", "Ваш проект", "Το έργο σας", "Vaš projekat"},
	"What do you need?": {"Di che cosa hai bisogno?", "¿Qué necesitas?", "Что вам нужно?", "Τι χρειάζεστε;", "Šta vam je potrebno?"},
	"A few lines: the place, the goal, what exists already.": {"Poche righe: il luogo, lo scopo, che cosa c'è già.", "Unas líneas: el lugar, el objetivo, lo que ya existe.",
		"Несколько строк: место, цель, что уже есть.", "Λίγες γραμμές: ο χώρος, ο στόχος, τι υπάρχει ήδη.", "Nekoliko redova: mesto, cilj, šta već postoji."},
	"Earliest start":           {"Inizio al più presto", "Inicio más temprano", "Самое раннее начало", "Νωρίτερη έναρξη", "Najraniji početak"},
	"Scope":                    {"Portata", "Alcance", "Объём", "Εύρος", "Obim"},
	"Size":                     {"Dimensione", "Tamaño", "Размер", "Μέγεθος", "Veličina"},
	"Small (a day or less)":    {"Piccolo (un giorno o meno)", "Pequeño (un día o menos)", "Небольшой (день или меньше)", "Μικρό (μία ημέρα ή λιγότερο)", "Mali (dan ili manje)"},
	"Medium (up to a week)":    {"Medio (fino a una settimana)", "Mediano (hasta una semana)", "Средний (до недели)", "Μεσαίο (έως μία εβδομάδα)", "Srednji (do nedelju dana)"},
	"Large (more than a week)": {"Grande (più di una settimana)", "Grande (más de una semana)", "Большой (больше недели)", "Μεγάλο (πάνω από μία εβδομάδα)", "Veliki (više od nedelju dana)"},
	"Work on site":             {"Lavoro sul posto", "Trabajo in situ", "Работа на месте", "Εργασία επί τόπου", "Rad na licu mesta"},
	"The space":                {"Lo spazio", "El espacio", "Помещение", "Ο χώρος", "Prostor"},
	"Number of rooms":          {"Numero di stanze", "Número de habitaciones", "Количество комнат", "Αριθμός δωματίων", "Broj prostorija"},
	"Floor area (m²)":          {"Superficie (m²)", "Superficie (m²)", "Площадь (м²)", "Εμβαδόν (m²)", "Površina (m²)"},
	"Style":                    {"Stile", "Estilo", "Стиль", "Στυλ", "Stil"},
	"Modern":                   {"Moderno", "Moderno", "Современный", "Μοντέρνο", "Moderan"},
	"Mediterranean":            {"Mediterraneo", "Mediterráneo", "Средиземноморский", "Μεσογειακό", "Mediteranski"},
	"Classic":                  {"Classico", "Clásico", "Классический", "Κλασικό", "Klasičan"},
	"Not sure yet":             {"Non lo so ancora", "Aún no lo sé", "Пока не знаю", "Δεν είμαι σίγουρος ακόμα", "Još nisam siguran"},
	"Timing":                   {"Tempi", "Plazos", "Сроки", "Χρονοδιάγραμμα", "Rokovi"},
	"Needed by":                {"Entro il", "Para el", "Нужно к", "Έως", "Potrebno do"},
	"Visit the site":           {"Sopralluogo", "Visita al lugar", "Выезд на объект", "Επίσκεψη στον χώρο", "Obilazak prostora"},
	"The surface":              {"La superficie", "La superficie", "Поверхность", "Η επιφάνεια", "Površina"},
	"Area to tile (m²)":        {"Superficie da piastrellare (m²)", "Superficie a alicatar (m²)", "Площадь укладки (м²)", "Επιφάνεια για πλακάκια (m²)", "Površina za pločice (m²)"},
	"Where":                    {"Dove", "Dónde", "Где", "Πού", "Gde"},
	"Kitchen":                  {"Cucina", "Cocina", "Кухня", "Κουζίνα", "Kuhinja"},
	"Bathroom":                 {"Bagno", "Baño", "Ванная", "Μπάνιο", "Kupatilo"},
	"Floor":                    {"Pavimento", "Suelo", "Пол", "Δάπεδο", "Pod"},
	"Outdoor":                  {"Esterno", "Exterior", "Снаружи", "Εξωτερικός χώρος", "Spoljašnjost"},
	"Delivery by":              {"Consegna entro il", "Entrega para el", "Доставка к", "Παράδοση έως", "Isporuka do"},
}

// translated adds the translations of a form's steps and fields (title;
// label, help, options) from quoteFormTexts; a string it lacks stays
// English.
func translated(steps []map[string]any) []map[string]any {
	tr := func(s string, lang int) string { return quoteFormTexts[s][lang] }
	out := make([]map[string]any, len(steps))
	for i, st := range steps {
		ts := map[string]any{}
		for l, lang := range quoteFormLanguages {
			ts[lang] = map[string]string{"title": tr(st["title"].(string), l)}
		}
		var fields []formField
		for _, f := range st["fields"].([]formField) {
			ft := map[string]any{}
			for l, lang := range quoteFormLanguages {
				t := map[string]any{"label": tr(f["label"].(string), l)}
				if help, ok := f["help"].(string); ok {
					t["help"] = tr(help, l)
				}
				if opts, ok := f["options"].([]string); ok {
					labels := make([]string, len(opts))
					for k, o := range opts {
						if labels[k] = tr(o, l); labels[k] == "" {
							labels[k] = o
						}
					}
					t["options"] = labels
				}
				ft[lang] = t
			}
			g := formField{"translations": ft}
			for k, v := range f {
				g[k] = v
			}
			fields = append(fields, g)
		}
		out[i] = map[string]any{"title": st["title"], "fields": fields, "translations": ts}
	}
	return out
}
