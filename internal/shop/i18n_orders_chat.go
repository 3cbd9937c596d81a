package shop

// The texts of orders made from a Parley chat, added to messages.
func init() {
	for k, v := range map[string][5]string{
		"Made from your chat with the seller": {"Creato dalla tua chat con il venditore", "Creado a partir de tu chat con el vendedor",
			"Создан из вашего чата с продавцом", "Δημιουργήθηκε από τη συνομιλία σας με τον πωλητή", "Napravljeno iz vašeg četa sa prodavcem"},
		"Made from the chat with the buyer": {"Creato dalla chat con l'acquirente", "Creado a partir del chat con el comprador",
			"Создан из чата с покупателем", "Δημιουργήθηκε από τη συνομιλία με τον αγοραστή", "Napravljeno iz četa sa kupcem"},
		"Open the chat": {"Apri la chat", "Abrir el chat", "Открыть чат", "Άνοιγμα της συνομιλίας", "Otvori čet"},
	} {
		messages[k] = v
	}
}
