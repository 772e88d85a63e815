import type { EmailTemplate, EmailTemplateProps } from "./send-email";

// The catalog: every notification the app sends, its preference category, the channels it may use and
// its template. notify() reads only this table; add an event here, not at the call site.

export const CATEGORIES = ["security", "billing", "usage", "account", "product"] as const;
export type Category = (typeof CATEGORIES)[number];

export const CHANNELS = ["email", "sms", "push"] as const;
export type Channel = (typeof CHANNELS)[number];

/** Mails a user cannot turn off: they protect the account or the money. */
export const ALWAYS_ON: ReadonlyArray<{ category: Category; channel: Channel }> = [
  { category: "security", channel: "email" },
  { category: "billing", channel: "email" },
];

export function isAlwaysOn(category: Category, channel: Channel): boolean {
  return ALWAYS_ON.some((a) => a.category === category && a.channel === channel);
}

/** Without a stored preference: email on, push on (only reaches devices the user subscribed), SMS opt-in (it costs). */
export const DEFAULT_ENABLED: Record<Channel, boolean> = { email: true, sms: false, push: true };

/** A template's data without the locale (notify sets it per recipient). */
type TemplateData<T extends EmailTemplate> = Omit<EmailTemplateProps<T>, "locale">;

interface EventDef<T extends EmailTemplate, Preset extends object = Record<never, never>> {
  category: Category;
  channels: readonly Channel[];
  template: T;
  /** Data the event always carries (which notice of billingNotice it is): notify() adds it, callers pass the rest. */
  presetData?: Preset;
  /**
   * Sent whatever the preferences say: a message the recipient asked for just now (a sign-in link,
   * an invitation someone sent them), where "off" would only lock them out.
   */
  transactional?: true;
}

const event = <T extends EmailTemplate, const Preset extends Partial<TemplateData<T>> = Record<never, never>>(def: EventDef<T, Preset>) => def;

export const notificationEvents = {
  "auth.verify-email": event({ category: "security", channels: ["email"], template: "verifyEmail", transactional: true }),
  "auth.magic-link": event({ category: "security", channels: ["email"], template: "magicLink", transactional: true }),
  "auth.reset-password": event({ category: "security", channels: ["email"], template: "resetPassword", transactional: true }),
  // To an account's holder when someone signs up with its address (the sign-up answers as for a new one).
  "auth.sign-up-attempt": event({ category: "security", channels: ["email"], template: "signUpAttempt", transactional: true }),
  "tenancy.invitation": event({ category: "account", channels: ["email"], template: "invitation", transactional: true }),
  "account.welcome": event({ category: "account", channels: ["email"], template: "welcome" }),
  "account.data-export-ready": event({ category: "account", channels: ["email", "push"], template: "dataExportReady" }),
  "account.deletion-scheduled": event({ category: "security", channels: ["email", "sms"], template: "accountDeletionScheduled" }),
  "usage.warning": event({ category: "usage", channels: ["email", "push"], template: "usageWarning" }),
  "billing.payment-receipt": event({ category: "billing", channels: ["email"], template: "paymentReceipt" }),
  "billing.trial-ending": event({ category: "billing", channels: ["email", "push"], template: "trialEnding" }),
  // The billing state machine's notifications (src/server/domain/billing/apply-billing-event.ts) and the dunning reminder.
  "billing.subscription-activated": event({ category: "billing", channels: ["email"], template: "subscriptionActivated" }),
  "billing.payment-failed": event({ category: "billing", channels: ["email", "sms", "push"], template: "paymentFailed" }),
  "billing.grace-reminder": event({ category: "billing", channels: ["email"], template: "graceReminder" }),
  "billing.payment-recovered": event({ category: "billing", channels: ["email"], template: "billingNotice", presetData: { notice: "paymentRecovered" } }),
  "billing.suspended": event({ category: "billing", channels: ["email"], template: "billingNotice", presetData: { notice: "suspended" } }),
  "billing.on-hold": event({ category: "billing", channels: ["email"], template: "billingNotice", presetData: { notice: "onHold" } }),
  "billing.cancel-scheduled": event({ category: "billing", channels: ["email"], template: "subscriptionCanceled" }),
  "billing.cancel-withdrawn": event({ category: "billing", channels: ["email"], template: "cancelWithdrawn" }),
  // Ended (a cancellation ran out) and expired (the provider ended it) share a template: its `reason` tells them apart.
  "billing.subscription-ended": event({ category: "billing", channels: ["email"], template: "subscriptionEnded" }),
  "billing.subscription-expired": event({ category: "billing", channels: ["email"], template: "subscriptionEnded" }),
  "billing.trial-expired": event({ category: "billing", channels: ["email"], template: "billingNotice", presetData: { notice: "trialExpired" } }),
} as const;

export type NotificationEvent = keyof typeof notificationEvents;
export type EventTemplate<E extends NotificationEvent> = (typeof notificationEvents)[E]["template"];
type EventPreset<E extends NotificationEvent> = NonNullable<(typeof notificationEvents)[E]["presetData"]>;
/** What a caller passes as `data`: the template's props without the locale (notify sets it per recipient) and the event's preset data. */
export type EventData<E extends NotificationEvent> = Omit<TemplateData<EventTemplate<E>>, keyof EventPreset<E>>;

export const NOTIFICATION_EVENTS = Object.keys(notificationEvents) as NotificationEvent[];

export function getEventDef(name: string): EventDef<EmailTemplate, Record<string, unknown>> | undefined {
  return Object.hasOwn(notificationEvents, name) ? (notificationEvents as Record<string, EventDef<EmailTemplate, Record<string, unknown>>>)[name] : undefined;
}
