import type { WebhookPayload } from "dodopayments/resources/webhook-events";
import type { SubscriptionStatus } from "dodopayments/resources/subscriptions";
import type { DbTx } from "@/server/db/client";
import { addBillingPeriod, simulatorProduct } from "./catalog";
import {
  cardPayment,
  findObject,
  listObjects,
  paymentRefund,
  refundedAmount,
  simulatorId,
  type SimulatorCustomer,
  type SimulatorPayment,
  type SimulatorSubscription,
} from "./objects";
import {
  isSimulatorEventType,
  paymentData,
  refundData,
  SIMULATOR_EVENT_TYPES,
  subscriptionData,
  webhookBody,
  type DodoWebhookBody,
  type SimulatorEventType,
  type SimulatorWebhookData,
} from "./payloads";

// `npm run payments:simulate`: hand-made deliveries for one tenant, built from its records in the
// simulator with the same builders the simulator's own webhooks use, signed with the same secret and
// POSTed straight to the app. It sends webhooks only: the simulator's records stay as they are.

export const SIMULATE_PRESETS = {
  "renewal-failure": "payment.failed + subscription.past_due: a renewal the card declined",
  recovery: "payment.succeeded + subscription.active: the overdue renewal paid with a new card",
  "out-of-order": "subscription.renewed, then an older subscription.past_due: the app folds it in before the renewal and stays active",
} as const;
export type SimulatePreset = keyof typeof SIMULATE_PRESETS;

const isPreset = (value: string): value is SimulatePreset => Object.hasOwn(SIMULATE_PRESETS, value);

const MAX_COUNT = 100;

export interface SimulateOptions {
  what: SimulatorEventType | SimulatePreset;
  /** A tenant slug or id. */
  tenant: string;
  /** Each delivery is sent this many times with the same webhook-id (duplicates). */
  count: number;
  /** Pause between two sends. */
  delayMs: number;
  /** Send in random order. */
  shuffle: boolean;
  /** The app's base URL; undefined: APP_URL. */
  url: string | undefined;
}

export type SimulateCommand = { help: true } | { help: false; options: SimulateOptions };

export class SimulateArgsError extends Error {
  override name = "SimulateArgsError";
}

export const SIMULATE_USAGE = `Usage: npm run payments:simulate -- <event-type|preset> --tenant <slug|id> [options]

Sends Dodo-shaped, signed webhooks about the tenant's records in the payment simulator to the app.

Presets:
${Object.entries(SIMULATE_PRESETS)
  .map(([name, text]) => `  ${name.padEnd(18)}${text}`)
  .join("\n")}

Event types:
  ${SIMULATOR_EVENT_TYPES.join("\n  ")}

Options:
  --tenant <slug|id>  the tenant (required); it needs a simulator customer: open a checkout in the app first
  --count <n>         send every delivery n times with the same webhook-id (duplicates; 1-${MAX_COUNT}, default 1)
  --delay-ms <n>      wait n milliseconds between sends (default 0)
  --shuffle           send in random order
  --url <url>         the app's base URL (default APP_URL, else http://localhost:3000)
  -h, --help          show this help`;

function integerOption(flag: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) throw new SimulateArgsError(`${flag} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

/** Parses the script's arguments (after `--`); throws SimulateArgsError with the reason. */
export function parseSimulateArgs(argv: readonly string[]): SimulateCommand {
  const args = argv.filter((a) => a !== "--");
  if (args.includes("--help") || args.includes("-h")) return { help: true };
  let what: string | undefined;
  let tenant: string | undefined;
  let count = 1;
  let delayMs = 0;
  let shuffle = false;
  let url: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("-")) {
      if (what !== undefined) throw new SimulateArgsError(`Only one event type or preset at a time, got "${what}" and "${arg}"`);
      what = arg;
      continue;
    }
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    if (flag === "--shuffle") {
      if (inline !== undefined) throw new SimulateArgsError("--shuffle takes no value");
      shuffle = true;
      continue;
    }
    if (!["--tenant", "--count", "--delay-ms", "--url"].includes(flag)) throw new SimulateArgsError(`Unknown option ${flag}`);
    const value = inline ?? args[++i];
    if (value === undefined || value === "" || (inline === undefined && value.startsWith("--"))) throw new SimulateArgsError(`${flag} needs a value`);
    if (flag === "--tenant") tenant = value;
    else if (flag === "--count") count = integerOption(flag, value, 1, MAX_COUNT);
    else if (flag === "--delay-ms") delayMs = integerOption(flag, value, 0, 10 * 60_000);
    else {
      if (!/^https?:\/\/[^/]/.test(value) || !URL.canParse(value)) throw new SimulateArgsError(`--url must be an http(s) URL such as http://localhost:3000, got "${value}"`);
      url = value;
    }
  }
  if (what === undefined) throw new SimulateArgsError("Name an event type or a preset (see --help)");
  if (!isSimulatorEventType(what) && !isPreset(what)) {
    throw new SimulateArgsError(`Unknown event type or preset "${what}". Presets: ${Object.keys(SIMULATE_PRESETS).join(", ")}; event types: ${SIMULATOR_EVENT_TYPES.join(", ")}`);
  }
  if (!tenant) throw new SimulateArgsError("--tenant <slug|id> is required");
  return { help: false, options: { what, tenant, count, delayMs, shuffle, url } };
}

/** A tenant's records in the simulator, as the CLI found them. */
export interface TenantSimulatorRecords {
  customer: SimulatorCustomer;
  subscription: SimulatorSubscription | null;
  /** The latest succeeded payment (what refund.succeeded refunds). */
  payment: SimulatorPayment | null;
}

export interface SimulatedDelivery {
  webhookId: string;
  body: DodoWebhookBody<SimulatorWebhookData>;
}

/** Each subscription event with the status Dodo's payload has at that moment. */
const STATUS_AFTER: Partial<Record<SimulatorEventType, SubscriptionStatus>> = {
  "subscription.active": "active",
  "subscription.renewed": "active",
  "subscription.on_hold": "on_hold",
  "subscription.past_due": "past_due",
  "subscription.paused": "paused",
  "subscription.unpaused": "active",
  "subscription.cancelled": "cancelled",
  "subscription.failed": "failed",
  "subscription.expired": "expired",
};

function requireSubscription(records: TenantSimulatorRecords, type: SimulatorEventType): SimulatorSubscription {
  if (!records.subscription) throw new SimulateArgsError(`${type} needs a subscription, and the tenant has none in the simulator: subscribe to a plan in the app first`);
  return records.subscription;
}

/** One event's `data`, from the tenant's records moved to the state the event reports. */
function eventData(type: SimulatorEventType, records: TenantSimulatorRecords, at: Date): SimulatorWebhookData {
  const { customer } = records;
  if (type === "refund.succeeded") {
    const payment = records.payment;
    if (!payment) throw new SimulateArgsError("refund.succeeded needs a succeeded payment, and the tenant has none in the simulator");
    const remaining = payment.total_amount - refundedAmount(payment);
    if (remaining <= 0) throw new SimulateArgsError(`refund.succeeded: the tenant's latest payment ${payment.payment_id} is refunded in full already`);
    return refundData(paymentRefund(payment, remaining, at), customer);
  }
  const subscription = requireSubscription(records, type);
  if (type === "payment.succeeded" || type === "payment.failed") {
    // A renewal charge of the subscription.
    const product = simulatorProduct(subscription.product_id);
    const charge = cardPayment(
      {
        outcome: type === "payment.failed" ? "failed" : "succeeded",
        customerId: subscription.customer_id,
        amount: (product?.unitAmount ?? 0) * subscription.quantity,
        metadata: subscription.metadata,
        subscriptionId: subscription.subscription_id,
        productCart: null,
        checkoutSessionId: null,
      },
      at,
    );
    return paymentData(charge, customer);
  }
  const moved = { ...subscription };
  if (type === "subscription.renewed") {
    const product = simulatorProduct(subscription.product_id);
    moved.previous_billing_date = subscription.next_billing_date;
    moved.next_billing_date = addBillingPeriod(new Date(subscription.next_billing_date), product?.kind === "plan" ? product.interval : "monthly").toISOString();
  }
  const data: WebhookPayload.Subscription = subscriptionData(moved, customer);
  const status = STATUS_AFTER[type];
  if (status) data.status = status;
  if (status === "cancelled") data.cancelled_at = at.toISOString();
  return data;
}

/** The events of an event type or preset, in the order they are sent (before --shuffle), with their envelope timestamps. */
function simulatedEvents(what: SimulatorEventType | SimulatePreset, now: Date): { type: SimulatorEventType; at: Date }[] {
  switch (what) {
    case "renewal-failure":
      return [
        { type: "payment.failed", at: now },
        { type: "subscription.past_due", at: now },
      ];
    case "recovery":
      return [
        { type: "payment.succeeded", at: now },
        { type: "subscription.active", at: now },
      ];
    case "out-of-order":
      return [
        { type: "subscription.renewed", at: now },
        { type: "subscription.past_due", at: new Date(now.getTime() - 60_000) },
      ];
    default:
      return [{ type: what, at: now }];
  }
}

/** The deliveries for an event type or preset, each with its own webhook-id. */
export function buildSimulatedDeliveries(what: SimulatorEventType | SimulatePreset, records: TenantSimulatorRecords, now: Date = new Date()): SimulatedDelivery[] {
  return simulatedEvents(what, now).map(({ type, at }) => ({ webhookId: simulatorId("msg"), body: webhookBody(type, at, eventData(type, records, at)) }));
}

/** The sends: every delivery `count` times (same webhook-id), optionally shuffled (Fisher-Yates). */
export function sendOrder<T>(deliveries: readonly T[], count: number, shuffle: boolean, random: () => number = Math.random): T[] {
  const sends = deliveries.flatMap((d) => Array.from({ length: count }, () => d));
  if (shuffle) {
    for (let i = sends.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [sends[i], sends[j]] = [sends[j]!, sends[i]!];
    }
  }
  return sends;
}

/**
 * The tenant's customer, latest subscription and latest succeeded payment in the simulator (found by
 * metadata.tenantId, which the app puts on every customer and checkout). Throws SimulateArgsError when
 * the tenant or its customer does not exist.
 */
export async function findTenantSimulatorRecords(db: DbTx, tenantSlugOrId: string): Promise<{ tenantId: string; records: TenantSimulatorRecords }> {
  const tenant = await db.tenant.findFirst({ where: { OR: [{ slug: tenantSlugOrId }, { id: tenantSlugOrId }] }, select: { id: true } });
  if (!tenant) throw new SimulateArgsError(`No tenant with the slug or id "${tenantSlugOrId}"`);
  const byTenant = ["metadata", "tenantId"];
  const [customers, subscriptions, payments] = await Promise.all([
    listObjects(db, "customer", byTenant, tenant.id),
    listObjects(db, "subscription", byTenant, tenant.id),
    listObjects(db, "payment", byTenant, tenant.id),
  ]);
  const subscription = subscriptions[0] ?? null;
  const payment = payments.find((p) => p.status === "succeeded") ?? null;
  const customerId = subscription?.customer_id ?? payment?.customer_id ?? customers[0]?.customer_id;
  // A checkout created with an email makes a customer without metadata: find it by id.
  const customer = customerId ? (customers.find((c) => c.customer_id === customerId) ?? (await findObject(db, "customer", customerId))) : null;
  if (!customer) {
    throw new SimulateArgsError(`Tenant "${tenantSlugOrId}" has no customer in the payment simulator yet: open a checkout for it in the app first`);
  }
  return { tenantId: tenant.id, records: { customer, subscription, payment } };
}
