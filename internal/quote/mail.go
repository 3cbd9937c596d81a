package quote

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/locale"
	"github.com/parleyhq/parley/internal/mail"
	"github.com/parleyhq/parley/internal/outbox"
	"github.com/parleyhq/parley/internal/store"
)

// KindOfferMail is the outbox job that mails the buyer an offer.
const KindOfferMail = "mail.quote_offer"

type mailJob struct {
	Quote   int64 `json:"quote"`
	Version int64 `json:"version"`
}

//go:embed locales/*.json
var localeFS embed.FS

var bundle = locale.MustBundle(localeFS, "locales", "quote")

func tr(lang, id string, data map[string]any) string {
	s, err := i18n.NewLocalizer(bundle, lang).Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil && s == "" {
		return id
	}
	return s
}

// sendOfferMail mails the buyer an offer with its signed link. An offer
// mail is part of the transaction (the link is how the buyer accepts), so
// it goes out whatever the buyer's notification settings; a version that a
// newer one replaced before the job ran is not mailed.
func (s *Service) sendOfferMail(ctx context.Context, payload []byte) error {
	var j mailJob
	if err := json.Unmarshal(payload, &j); err != nil {
		return outbox.Permanent(err)
	}
	q := s.db.Reader(ctx)
	r, err := store.QuoteByID(q, j.Quote)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if r.Version != j.Version {
		return nil
	}
	qt, err := s.render(q, r)
	if err != nil {
		return err
	}
	buyer, err := store.UserByID(q, r.BuyerUserID)
	if err != nil {
		return err
	}
	if buyer.Email == "" {
		return nil
	}
	settings, err := store.UserSettingsFor(q, []int64{buyer.ID})
	if err != nil {
		return err
	}
	conv, err := store.ConversationByID(q, r.ConversationID)
	if err != nil {
		return err
	}
	lang := locale.Pick(settings[buyer.ID].Locale, buyer.Locale)
	var cur Version
	for _, v := range qt.Versions {
		if v.Version == r.Version {
			cur = v
		}
	}
	link := s.Link(Claims{Quote: r.ID, Version: r.Version, Buyer: buyer.ID, Expires: cur.ValidUntil})
	data := map[string]any{"Name": buyer.Name, "Seller": conv.SellerName, "Subject": conversation.SubjectIn(lang, conv), "Total": qt.Total.Amount + " " + qt.Total.Currency,
		"Until": cur.ValidUntil.UTC().Format("2006-01-02 15:04 UTC"), "Link": link, "Version": r.Version,
		"Conversation": fmt.Sprintf("%s/app/c/%d", s.opts.BaseURL, r.ConversationID)}
	var b strings.Builder
	b.WriteString(tr(lang, "quote.mail.hello", data) + "\n\n" + tr(lang, "quote.mail.intro", data) + "\n\n")
	for _, l := range qt.Lines {
		fmt.Fprintf(&b, "  %s: %s = %s %s\n", l.Title, locale.QuoteLine(lang, l.Quantity.String(), l.Unit, l.UnitPrice, qt.Total.Currency), l.Amount, qt.Total.Currency)
	}
	for _, a := range qt.Adjustments {
		fmt.Fprintf(&b, "  %s: %s %s\n", a.LabelIn(lang), a.Amount, qt.Total.Currency)
	}
	b.WriteString("  " + tr(lang, "quote.mail.total", data) + "\n\n")
	if qt.Note != "" {
		b.WriteString(quoteText(qt.Note) + "\n\n")
	}
	b.WriteString(tr(lang, "quote.mail.accept", data) + "\n" + link + "\n\n" + tr(lang, "quote.mail.valid", data) + "\n\n" +
		tr(lang, "quote.mail.conversation", data) + "\n")
	return s.opts.Mailer.Send(ctx, mail.Message{MarketplaceID: r.MarketplaceID, To: []string{buyer.Email}, From: s.opts.From,
		Subject: tr(lang, "quote.mail.subject", data), Text: b.String()})
}

func quoteText(s string) string { return "> " + strings.ReplaceAll(s, "\n", "\n> ") }
