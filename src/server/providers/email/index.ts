import { env } from "@/env";
import { prisma } from "@/server/db/client";
import { createDevMailboxProvider } from "./dev-mailbox";
import { createResendEmailProvider } from "./resend";
import type { EmailProvider } from "./types";

export type { EmailMessage, EmailProvider } from "./types";

/** Resend when RESEND_API_KEY is set, otherwise the dev mailbox. Never undefined. */
export const emailProvider: EmailProvider = env.RESEND_API_KEY
  ? createResendEmailProvider({ apiKey: env.RESEND_API_KEY, from: env.EMAIL_FROM, baseUrl: env.RESEND_BASE_URL })
  : createDevMailboxProvider({ db: prisma, from: env.EMAIL_FROM });

// Whether the dev mailbox page exists and whom it shows what: src/server/domain/dev-mailbox/access.ts.
