import { z } from "zod";

// Trigger.dev's env. Without TRIGGER_SECRET_KEY jobs run on the local runner (the jobs table).
export const jobsKeys = {
  /** A Trigger.dev project secret key (tr_dev_..., tr_prod_...). Set: enqueue triggers Trigger.dev tasks. */
  TRIGGER_SECRET_KEY: z.string().startsWith("tr_", "TRIGGER_SECRET_KEY must start with tr_").optional(),
  /** Only for a self-hosted Trigger.dev; the SDK defaults to https://api.trigger.dev. */
  TRIGGER_API_URL: z.url().optional(),
};
