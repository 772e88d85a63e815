import { render } from "@react-email/render";
import type { ReactElement } from "react";
import AccountDeletionScheduled, { type AccountDeletionScheduledProps } from "@emails/account-deletion-scheduled";
import BillingNoticeEmail, { BILLING_NOTICES, type BillingNoticeProps } from "@emails/billing-notice";
import { formatDate, formatMoney, formatNumber } from "@emails/components/format";
import CancelWithdrawn, { type CancelWithdrawnProps } from "@emails/cancel-withdrawn";
import DataExportReady, { type DataExportReadyProps } from "@emails/data-export-ready";
import GraceReminder, { type GraceReminderProps } from "@emails/grace-reminder";
import Invitation, { type InvitationProps } from "@emails/invitation";
import MagicLink, { type MagicLinkProps } from "@emails/magic-link";
import PaymentFailed, { type PaymentFailedProps } from "@emails/payment-failed";
import PaymentReceipt, { type PaymentReceiptProps } from "@emails/payment-receipt";
import ResetPassword, { type ResetPasswordProps } from "@emails/reset-password";
import SignUpAttempt, { type SignUpAttemptProps } from "@emails/sign-up-attempt";
import SubscriptionActivated, { type SubscriptionActivatedProps } from "@emails/subscription-activated";
import SubscriptionCanceled, { type SubscriptionCanceledProps } from "@emails/subscription-canceled";
import SubscriptionEnded, { type SubscriptionEndedProps } from "@emails/subscription-ended";
import { emailTranslator } from "@emails/translator";
import TrialEnding, { type TrialEndingProps } from "@emails/trial-ending";
import UsageWarning, { type UsageWarningProps } from "@emails/usage-warning";
import VerifyEmail, { type VerifyEmailProps } from "@emails/verify-email";
import Welcome, { type WelcomeProps } from "@emails/welcome";
import type { Locale } from "@/i18n/routing";
import type { EmailProvider } from "@/server/providers/email/types";

type T = ReturnType<typeof emailTranslator>;

interface TemplateEntry<P> {
  element: (props: P) => ReactElement;
  /** Under emails.<template>.subject; a subject with placeholders gets them from the props. */
  subject: (t: T, props: P) => string;
  /** The preview line (also the body of SMS and push); by default emails.<template>.preview. */
  preview?: (t: T, props: P) => string;
  /** Sample data for the dev preview route and the template tests. */
  sample: Omit<P, "locale">;
  /** A template that says different things (billingNotice's notices): each variant's changes to the sample, by name. */
  variants?: Record<string, Partial<Omit<P, "locale">>>;
}

const entry = <P,>(e: TemplateEntry<P>) => e;
const sampleOf = <P extends { locale: unknown }>(preview: P): Omit<P, "locale"> => {
  const { locale: _locale, ...rest } = preview;
  return rest;
};

// One entry per email template. Add a template here, in emails/, and under `emails` in every messages file.
export const emailTemplates = {
  verifyEmail: entry<VerifyEmailProps>({
    element: (p) => <VerifyEmail {...p} />,
    subject: (t) => t("verifyEmail.subject"),
    sample: sampleOf(VerifyEmail.PreviewProps),
  }),
  magicLink: entry<MagicLinkProps>({
    element: (p) => <MagicLink {...p} />,
    subject: (t) => t("magicLink.subject"),
    sample: sampleOf(MagicLink.PreviewProps),
  }),
  resetPassword: entry<ResetPasswordProps>({
    element: (p) => <ResetPassword {...p} />,
    subject: (t) => t("resetPassword.subject"),
    sample: sampleOf(ResetPassword.PreviewProps),
  }),
  signUpAttempt: entry<SignUpAttemptProps>({
    element: (p) => <SignUpAttempt {...p} />,
    subject: (t) => t("signUpAttempt.subject"),
    sample: sampleOf(SignUpAttempt.PreviewProps),
  }),
  invitation: entry<InvitationProps>({
    element: (p) => <Invitation {...p} />,
    subject: (t) => t("invitation.subject"),
    sample: sampleOf(Invitation.PreviewProps),
  }),
  welcome: entry<WelcomeProps>({
    element: (p) => <Welcome {...p} />,
    subject: (t) => t("welcome.subject"),
    sample: sampleOf(Welcome.PreviewProps),
  }),
  usageWarning: entry<UsageWarningProps>({
    element: (p) => <UsageWarning {...p} />,
    subject: (t, p) => t("usageWarning.subject", { percent: String(p.percent), metric: t(`usageWarning.metrics.${p.metric}`) }),
    sample: sampleOf(UsageWarning.PreviewProps),
  }),
  paymentFailed: entry<PaymentFailedProps>({
    element: (p) => <PaymentFailed {...p} />,
    subject: (t, p) => t("paymentFailed.subject", { tenant: p.tenantName }),
    sample: sampleOf(PaymentFailed.PreviewProps),
  }),
  paymentReceipt: entry<PaymentReceiptProps>({
    element: (p) => <PaymentReceipt {...p} />,
    subject: (t, p) => t("paymentReceipt.subject", { amount: formatMoney(p.locale, p.amountMinor, p.currency) }),
    sample: sampleOf(PaymentReceipt.PreviewProps),
  }),
  trialEnding: entry<TrialEndingProps>({
    element: (p) => <TrialEnding {...p} />,
    subject: (t, p) => t("trialEnding.subject", { tenant: p.tenantName, days: p.daysLeft }),
    sample: sampleOf(TrialEnding.PreviewProps),
  }),
  subscriptionCanceled: entry<SubscriptionCanceledProps>({
    element: (p) => <SubscriptionCanceled {...p} />,
    subject: (t, p) => t("subscriptionCanceled.subject", { tenant: p.tenantName }),
    sample: sampleOf(SubscriptionCanceled.PreviewProps),
  }),
  subscriptionActivated: entry<SubscriptionActivatedProps>({
    element: (p) => <SubscriptionActivated {...p} />,
    subject: (t, p) => t("subscriptionActivated.subject", { tenant: p.tenantName }),
    sample: sampleOf(SubscriptionActivated.PreviewProps),
  }),
  graceReminder: entry<GraceReminderProps>({
    element: (p) => <GraceReminder {...p} />,
    subject: (t, p) => t("graceReminder.subject", { tenant: p.tenantName, days: p.daysLeft }),
    sample: sampleOf(GraceReminder.PreviewProps),
  }),
  billingNotice: entry<BillingNoticeProps>({
    element: (p) => <BillingNoticeEmail {...p} />,
    subject: (t, p) => t(`billingNotice.${p.notice}.subject`, { tenant: p.tenantName }),
    preview: (t, p) => t(`billingNotice.${p.notice}.preview`, { tenant: p.tenantName }),
    sample: sampleOf(BillingNoticeEmail.PreviewProps),
    variants: Object.fromEntries(BILLING_NOTICES.map((notice) => [notice, { notice }])),
  }),
  cancelWithdrawn: entry<CancelWithdrawnProps>({
    element: (p) => <CancelWithdrawn {...p} />,
    subject: (t, p) => t("cancelWithdrawn.subject", { tenant: p.tenantName }),
    sample: sampleOf(CancelWithdrawn.PreviewProps),
  }),
  subscriptionEnded: entry<SubscriptionEndedProps>({
    element: (p) => <SubscriptionEnded {...p} />,
    subject: (t, p) => t("subscriptionEnded.subject", { tenant: p.tenantName }),
    sample: sampleOf(SubscriptionEnded.PreviewProps),
  }),
  dataExportReady: entry<DataExportReadyProps>({
    element: (p) => <DataExportReady {...p} />,
    subject: (t) => t("dataExportReady.subject"),
    sample: sampleOf(DataExportReady.PreviewProps),
  }),
  accountDeletionScheduled: entry<AccountDeletionScheduledProps>({
    element: (p) => <AccountDeletionScheduled {...p} />,
    subject: (t, p) => t("accountDeletionScheduled.subject", { date: formatDate(p.locale, p.deleteAt) }),
    sample: sampleOf(AccountDeletionScheduled.PreviewProps),
  }),
};

export type EmailTemplate = keyof typeof emailTemplates;
type PropsOf<K extends EmailTemplate> = Parameters<(typeof emailTemplates)[K]["element"]>[0];
export type EmailTemplateProps<K extends EmailTemplate> = PropsOf<K>;

export const EMAIL_TEMPLATES = Object.keys(emailTemplates) as EmailTemplate[];

export interface EmailSample {
  template: EmailTemplate;
  /** The variant's name, for a template with variants. */
  variant: string | null;
  sample: Omit<EmailTemplateProps<EmailTemplate>, "locale">;
}

/** What the dev preview route lists and the template tests render: each template's sample, or one per variant. */
export const EMAIL_SAMPLES: EmailSample[] = EMAIL_TEMPLATES.flatMap((template): EmailSample[] => {
  const def = emailTemplates[template] as unknown as TemplateEntry<EmailTemplateProps<EmailTemplate>>;
  if (!def.variants) return [{ template, variant: null, sample: def.sample }];
  return Object.entries(def.variants).map(([variant, changes]) => ({ template, variant, sample: { ...def.sample, ...changes } }));
});

/** A template's sample, or one variant's; undefined for a variant the template does not have. */
export function emailSample(template: EmailTemplate, variant?: string): EmailSample["sample"] | undefined {
  if (variant === undefined) return emailTemplates[template].sample;
  return EMAIL_SAMPLES.find((s) => s.template === template && s.variant === variant)?.sample;
}

export function isEmailTemplate(name: string): name is EmailTemplate {
  return Object.hasOwn(emailTemplates, name);
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  /** The preview line, reused as the body of SMS and push messages. */
  preview: string;
}

/** Renders one template in the locale of its props: subject, HTML, plain text. */
export async function renderEmail<K extends EmailTemplate>(template: K, props: PropsOf<K>): Promise<RenderedEmail> {
  const def = emailTemplates[template] as unknown as TemplateEntry<PropsOf<K>>;
  const element = def.element(props);
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  const locale: Locale = props.locale;
  const t = emailTranslator(locale);
  const preview =
    def.preview?.(t, props) ??
    (t as unknown as (key: string, args?: Record<string, unknown>) => string)(
      `${template}.preview`,
      previewArgs(locale, props as unknown as Record<string, unknown>),
    );
  return { subject: def.subject(t, props), html, text, preview };
}

// The preview lines use a few placeholders; give them the values the templates give them.
function previewArgs(locale: Locale, p: Record<string, unknown>): Record<string, unknown> {
  const args: Record<string, unknown> = {
    inviter: p.inviterName,
    tenant: p.tenantName,
    metric: p.metric,
    used: typeof p.used === "number" ? formatNumber(locale, p.used) : p.used,
    limit: typeof p.limit === "number" ? formatNumber(locale, p.limit) : p.limit,
    days: p.expiresInDays ?? p.daysLeft,
  };
  if (typeof p.amountMinor === "number" && typeof p.currency === "string") args.amount = formatMoney(locale, p.amountMinor, p.currency);
  if (typeof p.accessEndsAt === "string") args.date = formatDate(locale, p.accessEndsAt);
  return args;
}

export async function sendTemplateEmail<K extends EmailTemplate>(
  provider: EmailProvider,
  input: { template: K; to: string; props: PropsOf<K>; idempotencyKey?: string },
): Promise<{ id: string }> {
  const { subject, html, text } = await renderEmail(input.template, input.props);
  return provider.send({
    to: input.to,
    subject,
    html,
    text,
    tags: { template: input.template, locale: (input.props as { locale: Locale }).locale },
    idempotencyKey: input.idempotencyKey,
  });
}
