package quote_test

import (
	"context"
	"slices"
	"testing"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/quote"
	"github.com/parleyhq/parley/internal/store"
)

// translatedForm is an English form with Italian, Serbian (Latin) and
// Greek strings; the Greek one leaves the help and the options out.
func translatedForm() quote.FormInput {
	return quote.FormInput{Locale: "en", Steps: []quote.Step{{Title: "Project",
		Translations: map[string]quote.StepTranslation{"it": {Title: "Progetto"}, "sr-latn": {Title: "Projekat"}, "el": {Title: "Έργο"}},
		Fields: []quote.Field{
			{Name: "pages", Type: quote.FieldNumber, Label: "Pages", Required: true, Help: "Roughly.",
				Translations: map[string]quote.FieldTranslation{"it": {Label: "Pagine", Help: "Più o meno."}, "sr-Latn": {Label: "Stranice"}, "el": {Label: "Σελίδες"}}},
			{Name: "cms", Type: quote.FieldSelect, Label: "CMS", Options: []string{"None", "WordPress"},
				Translations: map[string]quote.FieldTranslation{"it": {Label: "CMS", Options: []string{"Nessuno", "WordPress"}}, "sr-Latn": {Options: []string{"Nijedan", "WordPress"}}}},
		}}}}
}

func TestFormTranslations(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		mid := f.buyer.Marketplace.ID
		if _, err := f.svc.PutCategoryForm(ctx, mid, "services", translatedForm()); err != nil {
			t.Fatalf("PutCategoryForm: %v", err)
		}
		type want struct{ locale, title, label, help, cmsLabel string }
		check := func(t *testing.T, form quote.Form, w want) {
			t.Helper()
			st := form.Steps[0]
			if form.Locale != w.locale || st.Title != w.title || st.Fields[0].Label != w.label || st.Fields[0].Help != w.help {
				t.Errorf("form = %s %q %q %q, want %s %q %q %q", form.Locale, st.Title, st.Fields[0].Label, st.Fields[0].Help, w.locale, w.title, w.label, w.help)
			}
			cms := st.Fields[1]
			if !slices.Equal(cms.Options, []string{"None", "WordPress"}) {
				t.Errorf("options = %q, want the answers as the form's own language writes them", cms.Options)
			}
			var labels string
			if len(cms.OptionLabels) > 0 {
				labels = cms.OptionLabels[0]
			}
			if labels != w.cmsLabel {
				t.Errorf("option_labels[0] = %q, want %q", labels, w.cmsLabel)
			}
			if st.Translations != nil || st.Fields[0].Translations != nil {
				t.Error("the reader's form carries the translations")
			}
		}
		english := want{"en", "Project", "Pages", "Roughly.", ""}
		italian := want{"it", "Progetto", "Pagine", "Più o meno.", "Nessuno"}
		cases := []struct {
			name    string
			setting string   // the buyer's setting in Parley
			browser []string // the languages the request names
			want    want
		}{
			{"Default", "", nil, english},
			{"Browser", "", []string{"fr-FR", "it-CH", "en"}, italian},
			{"SettingWins", "el", []string{"it"}, want{"el", "Έργο", "Σελίδες", "Roughly.", ""}},
			{"BaseLanguage", "", []string{"sr"}, want{"sr-Latn", "Projekat", "Stranice", "Roughly.", "Nijedan"}},
			{"UnknownLanguage", "de", []string{"fr"}, english},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				err := f.db.Write(ctx, func(tx *store.Tx) error {
					us := store.DefaultUserSettings(f.buyer.User.ID)
					us.Locale = c.setting
					return store.SaveUserSettings(tx, us)
				})
				if err != nil {
					t.Fatal(err)
				}
				form, err := f.svc.ProductForm(ctx, f.buyer, "web-dev", c.browser)
				if err != nil {
					t.Fatal(err)
				}
				check(t, form, c.want)
			})
		}

		// Answers are the options as the form's own language writes them,
		// whatever language the buyer read; the seller reads the request
		// in theirs.
		_, _, err := f.conv.Start(ctx, f.buyer, conversation.StartInput{Kind: parley.KindQuote, Product: "web-dev", Form: map[string]any{"pages": 3.0, "cms": "Nessuno"},
			Message: conversation.MessageInput{ClientID: "t-1", Body: "hi"}})
		if fieldErrors(err) != "validation_failed form.cms" {
			t.Errorf("an option's label as the answer: %v, want form.cms refused", err)
		}
		st, _, err := f.conv.Start(ctx, f.buyer, conversation.StartInput{Kind: parley.KindQuote, Product: "web-dev", Form: map[string]any{"pages": 3.0, "cms": "None"},
			Message: conversation.MessageInput{ClientID: "t-2", Body: "hi"}})
		if err != nil {
			t.Fatal(err)
		}
		id, _ := conversation.ParseID(st.Conversation.ID)
		req, err := f.svc.ConversationRequest(ctx, f.owner, id, []string{"it"})
		if err != nil {
			t.Fatal(err)
		}
		check(t, quote.Form{Locale: req.Locale, Steps: req.Steps}, italian)
		if req.Answers["cms"] != "None" {
			t.Errorf("answer = %v, want None", req.Answers["cms"])
		}

		// A form in Italian without translations reads Italian to everyone.
		f.svc.PutProductForm(ctx, mid, "web-dev", quote.FormInput{Locale: "it", Steps: []quote.Step{{Title: "Lavoro", Fields: []quote.Field{{Name: "pages", Type: quote.FieldNumber, Label: "Pagine"}}}}})
		if form, err := f.svc.ProductForm(ctx, f.buyer, "web-dev", []string{"en"}); err != nil || form.Locale != "it" || form.Steps[0].Title != "Lavoro" {
			t.Errorf("form = %+v %v, want the Italian one", form, err)
		}

		bad := translatedForm()
		bad.Locale = "not a language"
		bad.Steps[0].Translations["xx yy"] = quote.StepTranslation{Title: "?"}
		cms := &bad.Steps[0].Fields[1]
		cms.Translations["it"] = quote.FieldTranslation{Options: []string{"Nessuno"}}
		cms.OptionLabels = []string{"A", "B"}
		bad.Steps[0].Fields[0].Translations["it"] = quote.FieldTranslation{Options: []string{"x"}}
		wantErr := "validation_failed steps[0].translations,steps[0].fields[0].translations.it.options,steps[0].fields[1].option_labels,steps[0].fields[1].translations.it.options,locale"
		if _, err := f.svc.PutCategoryForm(ctx, mid, "x", bad); fieldErrors(err) != wantErr {
			t.Errorf("bad translations: %s\nwant %s", fieldErrors(err), wantErr)
		}
	})
}
