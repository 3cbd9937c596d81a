package shop

import (
	"fmt"
	"time"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// The texts of the order's tickets, added to messages.
func init() {
	for k, v := range map[string][5]string{
		"Conversation with the store": {"Conversazione con il negozio", "Conversación con la tienda", "Переписка с магазином", "Συνομιλία με το κατάστημα", "Razgovor sa prodavnicom"},
		"Conversation with the store open": {"Conversazione con il negozio aperta", "Conversación con la tienda abierta", "Переписка с магазином открыта",
			"Η συνομιλία με το κατάστημα είναι ανοιχτή", "Razgovor sa prodavnicom je otvoren"},
		"Conversation with the store completed": {"Conversazione con il negozio conclusa", "Conversación con la tienda completada", "Переписка с магазином завершена",
			"Η συνομιλία με το κατάστημα ολοκληρώθηκε", "Razgovor sa prodavnicom je završen"},
		"Completed by %s.":      {"Conclusa da %s.", "Completada por %s.", "Завершил(а): %s.", "Ολοκληρώθηκε από: %s.", "Završio/la: %s."},
		"A return was proposed": {"È stato proposto un reso", "Se ha propuesto una devolución", "Предложен возврат", "Προτάθηκε επιστροφή", "Predložen je povraćaj"},
		"Return declined":       {"Reso rifiutato", "Devolución rechazada", "Возврат отклонён", "Η επιστροφή απορρίφθηκε", "Povraćaj je odbijen"},
		"The buyer's note:":     {"Nota dell'acquirente:", "Nota del comprador:", "Примечание покупателя:", "Σημείωση του αγοραστή:", "Napomena kupca:"},
		"Proposed by %s.":       {"Proposto da %s.", "Propuesta por %s.", "Предложил(а): %s.", "Πρόταση από: %s.", "Predložio/la: %s."},
		"Proposal withdrawn: the ticket closed": {"Proposta ritirata: la conversazione è stata chiusa", "Propuesta retirada: la conversación se cerró",
			"Предложение отозвано: переписка закрыта", "Η πρόταση αποσύρθηκε: η συνομιλία έκλεισε", "Predlog je povučen: razgovor je zatvoren"},
		"Answer the proposal in the conversation with the store.": {"Rispondi alla proposta nella conversazione con il negozio.",
			"Responda a la propuesta en la conversación con la tienda.", "Ответьте на предложение в переписке с магазином.",
			"Απαντήστε στην πρόταση στη συνομιλία με το κατάστημα.", "Odgovorite na predlog u razgovoru sa prodavnicom."},
		"Waiting for the buyer's answer.": {"In attesa della risposta dell'acquirente.", "Esperando la respuesta del comprador.", "Ждём ответа покупателя.",
			"Αναμένεται η απάντηση του αγοραστή.", "Čeka se odgovor kupca."},
	} {
		messages[k] = v
	}
}

// autoClosed says, in each language and each of its CLDR plural forms,
// that a ticket closed by itself after a period without activity; %d is
// the count. Keyed by the period's unit, then the language.
var autoClosed = map[string]map[string]map[plural.Form]string{
	"day": {
		"en": {plural.One: "Closed automatically after %d day without activity", plural.Other: "Closed automatically after %d days without activity"},
		"it": {plural.One: "Chiusa automaticamente dopo %d giorno senza attività", plural.Other: "Chiusa automaticamente dopo %d giorni senza attività"},
		"es": {plural.One: "Cerrada automáticamente tras %d día sin actividad", plural.Other: "Cerrada automáticamente tras %d días sin actividad"},
		"ru": {plural.One: "Закрыта автоматически: %d день без активности", plural.Few: "Закрыта автоматически: %d дня без активности",
			plural.Many: "Закрыта автоматически: %d дней без активности", plural.Other: "Закрыта автоматически: %d дня без активности"},
		"el": {plural.One: "Έκλεισε αυτόματα μετά από %d ημέρα χωρίς δραστηριότητα", plural.Other: "Έκλεισε αυτόματα μετά από %d ημέρες χωρίς δραστηριότητα"},
		"sr": {plural.One: "Zatvoren automatski: %d dan bez aktivnosti", plural.Few: "Zatvoren automatski: %d dana bez aktivnosti",
			plural.Other: "Zatvoren automatski: %d dana bez aktivnosti"},
	},
	"hour": {
		"en": {plural.One: "Closed automatically after %d hour without activity", plural.Other: "Closed automatically after %d hours without activity"},
		"it": {plural.One: "Chiusa automaticamente dopo %d ora senza attività", plural.Other: "Chiusa automaticamente dopo %d ore senza attività"},
		"es": {plural.One: "Cerrada automáticamente tras %d hora sin actividad", plural.Other: "Cerrada automáticamente tras %d horas sin actividad"},
		"ru": {plural.One: "Закрыта автоматически: %d час без активности", plural.Few: "Закрыта автоматически: %d часа без активности",
			plural.Many: "Закрыта автоматически: %d часов без активности", plural.Other: "Закрыта автоматически: %d часа без активности"},
		"el": {plural.One: "Έκλεισε αυτόματα μετά από %d ώρα χωρίς δραστηριότητα", plural.Other: "Έκλεισε αυτόματα μετά από %d ώρες χωρίς δραστηριότητα"},
		"sr": {plural.One: "Zatvoren automatski: %d sat bez aktivnosti", plural.Few: "Zatvoren automatski: %d sata bez aktivnosti",
			plural.Other: "Zatvoren automatski: %d sati bez aktivnosti"},
	},
	"minute": {
		"en": {plural.One: "Closed automatically after %d minute without activity", plural.Other: "Closed automatically after %d minutes without activity"},
		"it": {plural.One: "Chiusa automaticamente dopo %d minuto senza attività", plural.Other: "Chiusa automaticamente dopo %d minuti senza attività"},
		"es": {plural.One: "Cerrada automáticamente tras %d minuto sin actividad", plural.Other: "Cerrada automáticamente tras %d minutos sin actividad"},
		"ru": {plural.One: "Закрыта автоматически: %d минута без активности", plural.Few: "Закрыта автоматически: %d минуты без активности",
			plural.Many: "Закрыта автоматически: %d минут без активности", plural.Other: "Закрыта автоматически: %d минуты без активности"},
		"el": {plural.One: "Έκλεισε αυτόματα μετά από %d λεπτό χωρίς δραστηριότητα", plural.Other: "Έκλεισε αυτόματα μετά από %d λεπτά χωρίς δραστηριότητα"},
		"sr": {plural.One: "Zatvoren automatski: %d minut bez aktivnosti", plural.Few: "Zatvoren automatski: %d minuta bez aktivnosti",
			plural.Other: "Zatvoren automatski: %d minuta bez aktivnosti"},
	},
	"second": {
		"en": {plural.One: "Closed automatically after %d second without activity", plural.Other: "Closed automatically after %d seconds without activity"},
		"it": {plural.One: "Chiusa automaticamente dopo %d secondo senza attività", plural.Other: "Chiusa automaticamente dopo %d secondi senza attività"},
		"es": {plural.One: "Cerrada automáticamente tras %d segundo sin actividad", plural.Other: "Cerrada automáticamente tras %d segundos sin actividad"},
		"ru": {plural.One: "Закрыта автоматически: %d секунда без активности", plural.Few: "Закрыта автоматически: %d секунды без активности",
			plural.Many: "Закрыта автоматически: %d секунд без активности", plural.Other: "Закрыта автоматически: %d секунды без активности"},
		"el": {plural.One: "Έκλεισε αυτόματα μετά από %d δευτερόλεπτο χωρίς δραστηριότητα", plural.Other: "Έκλεισε αυτόματα μετά από %d δευτερόλεπτα χωρίς δραστηριότητα"},
		"sr": {plural.One: "Zatvoren automatski: %d sekunda bez aktivnosti", plural.Few: "Zatvoren automatski: %d sekunde bez aktivnosti",
			plural.Other: "Zatvoren automatski: %d sekundi bez aktivnosti"},
	},
}

// closedAfter says in lang that a ticket closed automatically after a
// period of seconds, in the period's largest whole unit ("30 days",
// "2 ore"), with the plural form CLDR gives the count in that language.
func closedAfter(lang string, seconds int64) string {
	d := time.Duration(seconds) * time.Second
	const day = 24 * time.Hour
	var n int64
	var unit string
	switch {
	case d >= day && d%day == 0:
		n, unit = int64(d/day), "day"
	case d >= time.Hour && d%time.Hour == 0:
		n, unit = int64(d/time.Hour), "hour"
	case d >= time.Minute && d%time.Minute == 0:
		n, unit = int64(d/time.Minute), "minute"
	default:
		n, unit = max(seconds, 1), "second"
	}
	forms, ok := autoClosed[unit][lang]
	if !ok {
		lang, forms = "en", autoClosed[unit]["en"]
	}
	text, ok := forms[pluralForm(lang, n)]
	if !ok {
		text = forms[plural.Other]
	}
	return fmt.Sprintf(text, n)
}

// pluralForm is the CLDR cardinal plural form of the whole number n in lang.
func pluralForm(lang string, n int64) plural.Form {
	return plural.Cardinal.MatchPlural(language.Make(lang), int(n), 0, 0, 0, 0)
}
