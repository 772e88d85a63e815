/**
 * `npm run payments:simulate -- <event-type|preset> --tenant <slug|id> [--count N] [--delay-ms N] [--shuffle] [--url URL]`:
 * sends Dodo-shaped webhooks about a tenant's records in the local payment simulator straight to the
 * app's /api/webhooks/dodo, signed with the secret the app verifies with, and prints each HTTP status.
 * Presets: renewal-failure, recovery, out-of-order. --count repeats every delivery with the same
 * webhook-id (duplicates), --shuffle mixes the order. Only webhooks are sent: the simulator's records do
 * not change (use the portal page for that). Database: DATABASE_URL, else the embedded PostgreSQL.
 * Exit code 0 when every send got a 2xx, 1 otherwise.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { bootstrapScript } from "./lib/env";

bootstrapScript();
const { createLogger, LauncherError, runCli } = await import("./lib/cli");
const log = createLogger("payments:simulate");

runCli("payments:simulate", async () => {
  const cli = await import("@/server/providers/payments/simulator/simulate-cli");
  // A bad argument or a tenant without records is the user's to fix: the message, no stack.
  const explained = (error: unknown) =>
    error instanceof cli.SimulateArgsError ? new LauncherError(`${error.message}\nRun "npm run payments:simulate -- --help" for usage.`) : error;

  let command: ReturnType<typeof cli.parseSimulateArgs>;
  try {
    command = cli.parseSimulateArgs(process.argv.slice(2));
  } catch (error) {
    throw explained(error);
  }
  if (command.help) {
    console.log(cli.SIMULATE_USAGE);
    return 0;
  }
  const { options } = command;

  const { openDatabase, pendingMigrations } = await import("./lib/database");
  const db = await openDatabase({ embedded: "reuse", log: log.info });
  try {
    const pending = await pendingMigrations(db.url);
    if (pending.length) throw new LauncherError(`The database is missing ${pending.length} migration(s). Run "npm run db:migrate" first.`);
    // The app's Prisma client reads DATABASE_URL when first imported: point it at the database opened above.
    process.env.DATABASE_URL = db.url;
    const { prisma } = await import("@/server/db/client");
    try {
      const { env } = await import("@/env");
      const { resolveWebhookSecret } = await import("@/server/providers/payments/webhook-secret");
      const { postSignedWebhook, webhookEndpoint } = await import("@/server/providers/payments/simulator/deliver");

      const { tenantId, records } = await cli.findTenantSimulatorRecords(prisma, options.tenant).catch((error: unknown) => {
        throw explained(error);
      });
      let deliveries: ReturnType<typeof cli.buildSimulatedDeliveries>;
      try {
        deliveries = cli.buildSimulatedDeliveries(options.what, records);
      } catch (error) {
        throw explained(error);
      }
      const url = webhookEndpoint(options.url ?? env.APP_URL);
      const secret = resolveWebhookSecret(env);
      const sends = cli.sendOrder(deliveries, options.count, options.shuffle);
      log.info(`Database: ${db.description}`);
      log.info(`Sending ${sends.length} webhook(s) about tenant ${tenantId} to ${url}`);

      let failed = 0;
      for (const [i, delivery] of sends.entries()) {
        if (i > 0 && options.delayMs > 0) await sleep(options.delayMs);
        const what = `${delivery.body.type} ${delivery.webhookId} (event time ${delivery.body.timestamp})`;
        try {
          const res = await postSignedWebhook({ url, webhookId: delivery.webhookId, body: JSON.stringify(delivery.body), secret });
          const ok = res.status >= 200 && res.status < 300;
          if (!ok) failed++;
          (ok ? log.info : log.error)(`${res.status} ${what}${ok ? "" : `: ${res.body.slice(0, 300)}`}`);
        } catch (error) {
          failed++;
          log.error(`no answer ${what}: ${(error as Error).message}`);
        }
      }
      if (failed) log.error(`${failed} of ${sends.length} send(s) did not get a 2xx answer.`);
      return failed ? 1 : 0;
    } finally {
      await prisma.$disconnect();
    }
  } finally {
    await db.stop();
  }
});
