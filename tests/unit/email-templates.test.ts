/**
 * Every email template (each variant of one with variants: billingNotice's notices) renders in every locale: the subject (spelled out per locale below, so a
 * changed translation shows up here), the document language, and the plain text carrying the
 * translated heading and button label and the link. No message key or ICU brace leaks into the output.
 */
import { describe, expect, it } from "vitest";
import de from "@messages/de.json";
import en from "@messages/en.json";
import { locales, type Locale } from "@/i18n/routing";
import { BILLING_NOTICES } from "@emails/billing-notice";
import {
  EMAIL_SAMPLES,
  EMAIL_TEMPLATES,
  emailTemplates,
  renderEmail,
  type EmailSample,
  type EmailTemplate,
  type EmailTemplateProps,
} from "@/server/domain/notifications/send-email";

const messages = { en, de } as const;

/** A sample's name: its template, and its variant after a dot ("billingNotice.onHold"), as in emails.<name> of the messages. */
const nameOf = (s: EmailSample) => (s.variant ? `${s.template}.${s.variant}` : s.template);

const SUBJECTS: Record<string, Record<Locale, string>> = {
  verifyEmail: { en: "Verify your email address", de: "Bestätigen Sie Ihre E-Mail-Adresse" },
  magicLink: { en: "Your sign-in link", de: "Ihr Anmeldelink" },
  resetPassword: { en: "Reset your password", de: "Setzen Sie Ihr Passwort zurück" },
  signUpAttempt: { en: "Someone tried to sign up with your email address", de: "Jemand hat versucht, sich mit Ihrer E-Mail-Adresse zu registrieren" },
  invitation: { en: "You have been invited to a workspace", de: "Sie wurden in einen Arbeitsbereich eingeladen" },
  welcome: { en: "Welcome to SaaS Template", de: "Willkommen bei SaaS Template" },
  usageWarning: { en: "You have used 80% of your API calls limit", de: "Sie haben 80 % Ihres Limits für API-Aufrufe verbraucht" },
  paymentFailed: { en: "Your payment for Acme failed", de: "Ihre Zahlung für Acme ist fehlgeschlagen" },
  paymentReceipt: { en: "Receipt for your payment of €49.00", de: "Beleg für Ihre Zahlung über 49,00\u00a0€" },
  trialEnding: { en: "Your trial of Acme ends in 3 days", de: "Ihre Testphase für Acme endet in 3 Tagen" },
  subscriptionCanceled: { en: "Your subscription for Acme has been canceled", de: "Ihr Abonnement für Acme wurde gekündigt" },
  subscriptionActivated: { en: "Your subscription for Acme is active", de: "Ihr Abonnement für Acme ist aktiv" },
  graceReminder: { en: "1 day left to update your payment method for Acme", de: "Noch 1 Tag, um Ihre Zahlungsmethode für Acme zu aktualisieren" },
  "billingNotice.paymentRecovered": { en: "Your payment for Acme went through", de: "Ihre Zahlung für Acme ist eingegangen" },
  "billingNotice.suspended": { en: "Your subscription for Acme is suspended", de: "Ihr Abonnement für Acme ist ausgesetzt" },
  "billingNotice.onHold": { en: "Your subscription for Acme is on hold", de: "Ihr Abonnement für Acme ist pausiert" },
  cancelWithdrawn: { en: "Your subscription for Acme continues", de: "Ihr Abonnement für Acme läuft weiter" },
  subscriptionEnded: { en: "Your subscription for Acme has ended", de: "Ihr Abonnement für Acme ist beendet" },
  "billingNotice.trialExpired": { en: "Your trial of Acme has ended", de: "Ihre Testphase für Acme ist beendet" },
  dataExportReady: { en: "Your data export is ready", de: "Ihr Datenexport ist bereit" },
  accountDeletionScheduled: { en: "Your account will be deleted on December 26, 2026", de: "Ihr Konto wird am 26. Dezember 2026 gelöscht" },
};

const sampleProps = <K extends EmailTemplate>(template: K, locale: Locale, overrides: Record<string, unknown> = {}) =>
  ({ ...emailTemplates[template].sample, ...overrides, locale }) as unknown as EmailTemplateProps<K>;

describe("email templates", () => {
  it("the catalog lists every template and variant, each with a subject per locale above", () => {
    expect(EMAIL_SAMPLES.map(nameOf).sort()).toEqual(Object.keys(SUBJECTS).sort());
    expect(EMAIL_TEMPLATES).toHaveLength(18);
    expect(EMAIL_SAMPLES).toHaveLength(21);
  });

  describe.each(locales)("in %s", (locale) => {
    it.each(EMAIL_SAMPLES.map((s) => [nameOf(s), s] as const))("%s renders subject, language, action and link", async (name, { template, sample }) => {
      const props = { ...sample, locale } as EmailTemplateProps<EmailTemplate>;
      const email = await renderEmail(template, props);
      const strings = name.split(".").reduce<Record<string, unknown>>((m, key) => m[key] as Record<string, unknown>, messages[locale].emails) as { action: string };
      expect(email.subject).toBe(SUBJECTS[name]![locale]);
      expect(email.html).toMatch(new RegExp(`<html[^>]*lang="${locale}"`));
      expect(email.text).toContain(strings.action);
      expect(email.html).toContain(strings.action);
      const url = (props as { url: string }).url;
      expect(email.text).toContain(url);
      expect(email.preview.length).toBeGreaterThan(5);
      for (const out of [email.subject, email.text, email.preview]) {
        expect(out).not.toMatch(/[{}]/);
        expect(out).not.toContain(`${template}.`);
      }
    });
  });

  it("usageWarning says 80% or limit reached, what happens beyond it per strategy, and names the metric in the recipient's language", async () => {
    const at80 = await renderEmail("usageWarning", sampleProps("usageWarning", "en"));
    expect(at80.text).toContain("Acme has used 8,000 of 10,000 API calls in this billing period.");
    expect(at80.text).toContain(en.emails.usageWarning.nearLimit.upgrade);
    expect(at80.text).not.toContain(en.emails.usageWarning.atLimit.upgrade);

    const at100 = await renderEmail("usageWarning", sampleProps("usageWarning", "en", { percent: 100, used: 10_000 }));
    expect(at100.subject).toBe("You have reached your API calls limit");
    expect(at100.html).toContain("Limit reached in Acme</h1>");
    expect(at100.text).toContain(en.emails.usageWarning.atLimit.upgrade);

    // A soft limit: usage continues and is billed, never "blocked".
    const soft = await renderEmail("usageWarning", sampleProps("usageWarning", "en", { percent: 100, used: 10_000, strategy: "soft" }));
    expect(soft.text).toContain(en.emails.usageWarning.atLimit.soft);
    expect(soft.text).not.toMatch(/blocked/);

    const de100 = await renderEmail("usageWarning", sampleProps("usageWarning", "de", { percent: 100, used: 10_000, metric: "ai_credits", strategy: "hard" }));
    expect(de100.subject).toBe("Sie haben Ihr Limit für KI-Credits erreicht");
    expect(de100.text).toContain("Acme hat in diesem Abrechnungszeitraum 10.000 von 10.000 KI-Credits verbraucht.");
    expect(de100.text).toContain(de.emails.usageWarning.atLimit.hard);
  });

  it("formats money and dates in the recipient's locale", async () => {
    const failedEn = await renderEmail("paymentFailed", sampleProps("paymentFailed", "en"));
    expect(failedEn.text).toContain("We could not charge €49.00 for the workspace Acme.");
    expect(failedEn.text).toContain("We will try again on December 3, 2026.");
    const failedDe = await renderEmail("paymentFailed", sampleProps("paymentFailed", "de"));
    expect(failedDe.text).toContain("Wir konnten 49,00\u00a0€ für den Arbeitsbereich Acme nicht abbuchen.");
    expect(failedDe.text).toContain("Wir versuchen es am 3. Dezember 2026 erneut.");
    expect(failedEn.text).toContain("Your workspace keeps its paid features until December 6, 2026.");
    expect(failedDe.text).toContain("Ihr Arbeitsbereich behält seine kostenpflichtigen Funktionen bis zum 6. Dezember 2026.");
    const noRetry = await renderEmail("paymentFailed", sampleProps("paymentFailed", "en", { nextAttemptAt: null }));
    expect(noRetry.text).not.toContain("try again");
    // A status change (subscription.past_due) carries no amount.
    const noAmount = await renderEmail("paymentFailed", sampleProps("paymentFailed", "de", { amountMinor: null, currency: null }));
    expect(noAmount.text).toContain("Wir konnten die letzte Zahlung für den Arbeitsbereich Acme nicht einziehen.");
  });

  it("greets by name and pluralises days in German", async () => {
    const welcome = await renderEmail("welcome", sampleProps("welcome", "de", { name: "Grace" }));
    expect(welcome.html).toContain("Willkommen, Grace!</h1>");
    const oneDay = await renderEmail("trialEnding", sampleProps("trialEnding", "de", { daysLeft: 1 }));
    expect(oneDay.subject).toBe("Ihre Testphase für Acme endet in 1 Tag");
    const threeDays = await renderEmail("graceReminder", sampleProps("graceReminder", "de", { daysLeft: 3 }));
    expect(threeDays.subject).toBe("Noch 3 Tage, um Ihre Zahlungsmethode für Acme zu aktualisieren");
    expect(threeDays.preview).toBe("Noch 3 Tage, um Ihre Karte zu aktualisieren");
  });

  it.each(locales)("billingNotice says each notice's body, next step and preview in %s", async (locale) => {
    for (const notice of BILLING_NOTICES) {
      const email = await renderEmail("billingNotice", sampleProps("billingNotice", locale, { notice }));
      const strings: { body: string; preview: string; next?: string } = messages[locale].emails.billingNotice[notice];
      expect(email.text).toContain(strings.body.replace("{tenant}", "Acme"));
      expect(email.preview).toBe(strings.preview.replace("{tenant}", "Acme"));
      if (strings.next) expect(email.text).toContain(strings.next);
    }
  });

  it.each(locales)("signUpAttempt tells the holder in %s: sign in or reset the password if it was them, ignore it if not", async (locale) => {
    const strings = messages[locale].emails.signUpAttempt;
    const url = locale === "en" ? "https://app.example.com/sign-in" : "https://app.example.com/de/sign-in";
    const resetPasswordUrl = locale === "en" ? "https://app.example.com/forgot-password" : "https://app.example.com/de/forgot-password";
    const email = await renderEmail("signUpAttempt", sampleProps("signUpAttempt", locale, { name: "Grace", url, resetPasswordUrl }));
    expect(email.subject).toBe(SUBJECTS.signUpAttempt![locale]);
    expect(email.html).toContain(`href="${url}"`);
    expect(email.html).toContain(`href="${resetPasswordUrl}"`);
    expect(email.html).toContain(`${strings.heading}</h1>`);
    for (const text of [strings.body, strings.ifYou, strings.resetPassword, strings.ifNotYou, strings.action, resetPasswordUrl]) {
      expect(email.text).toContain(text);
    }
    expect(email.text).toContain(locale === "en" ? "Hi Grace," : "Hallo Grace,");
    expect(email.preview).toBe(strings.preview);
  });

  it("subscriptionEnded says why the subscription ended", async () => {
    const canceled = await renderEmail("subscriptionEnded", sampleProps("subscriptionEnded", "en"));
    expect(canceled.text).toContain("The canceled subscription of the workspace Acme has reached the end of its paid period.");
    const expired = await renderEmail("subscriptionEnded", sampleProps("subscriptionEnded", "de", { reason: "expired" }));
    expect(expired.text).toContain("Das Abonnement des Arbeitsbereichs Acme ist abgelaufen.");
  });
});
