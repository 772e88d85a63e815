import { z } from "zod";

// Resend's env. A mis-pasted key fails at boot, not at the first email.
export const emailKeys = {
  RESEND_API_KEY: z.string().startsWith("re_", "RESEND_API_KEY must start with re_").optional(),
  /** Points the Resend SDK at another host (a local fake server in tests). */
  RESEND_BASE_URL: z.url().optional(),
  EMAIL_FROM: z.string().min(3).default("SaaS Template <hello@example.com>"),
};
