package shop

// The texts of returns for inspection, added to messages.
func init() {
	for k, v := range map[string][5]string{
		"Return for inspection": {"Reso per verifica", "Devolución para inspección", "Возврат на проверку", "Επιστροφή για έλεγχο", "Povraćaj na proveru"},
		"Return started":        {"Reso avviato", "Devolución iniciada", "Возврат оформлен", "Η επιστροφή ξεκίνησε", "Povraćaj je pokrenut"},
		"The seller's note:":    {"Nota del venditore:", "Nota del vendedor:", "Примечание продавца:", "Σημείωση του πωλητή:", "Napomena prodavca:"},
		"You accepted the seller's proposal: pack the item, a courier will collect it, and the seller inspects it on arrival.": {
			"Hai accettato la proposta del venditore: imballa l'articolo, un corriere passerà a ritirarlo e il venditore lo verificherà all'arrivo.",
			"Ha aceptado la propuesta del vendedor: embale el artículo, un mensajero lo recogerá y el vendedor lo inspeccionará a su llegada.",
			"Вы приняли предложение продавца: упакуйте товар, курьер заберёт его, а продавец проверит его по прибытии.",
			"Αποδεχτήκατε την πρόταση του πωλητή: συσκευάστε το προϊόν, ένας κούριερ θα το παραλάβει και ο πωλητής θα το ελέγξει μόλις φτάσει.",
			"Prihvatili ste predlog prodavca: spakujte artikal, kurir će ga preuzeti, a prodavac će ga proveriti po prijemu."},
		"The buyer accepted the return: the item comes back for inspection.": {
			"L'acquirente ha accettato il reso: l'articolo torna per la verifica.",
			"El comprador aceptó la devolución: el artículo vuelve para su inspección.",
			"Покупатель согласился на возврат: товар вернётся на проверку.",
			"Ο αγοραστής αποδέχτηκε την επιστροφή: το προϊόν επιστρέφει για έλεγχο.",
			"Kupac je prihvatio povraćaj: artikal se vraća na proveru."},
	} {
		messages[k] = v
	}
}
