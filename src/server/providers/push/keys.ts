import { z } from "zod";

// Web Push (VAPID) keys, generated once with `npx web-push generate-vapid-keys`. All three or none
// (then push messages go to the local logging provider).
export const pushKeys = {
  /** URL-safe base64 of an uncompressed P-256 public key (65 bytes -> 87 characters). */
  VAPID_PUBLIC_KEY: z.string().regex(/^[A-Za-z0-9_-]{87}$/, "VAPID_PUBLIC_KEY must be a URL-safe base64 P-256 public key (87 characters)").optional(),
  /** URL-safe base64 of a 32-byte private key (43 characters). */
  VAPID_PRIVATE_KEY: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "VAPID_PRIVATE_KEY must be a URL-safe base64 P-256 private key (43 characters)").optional(),
  /** Who push services contact about this sender: a mailto: or https: URL. */
  VAPID_SUBJECT: z
    .string()
    .refine((v) => v.startsWith("mailto:") || v.startsWith("https://"), "VAPID_SUBJECT must start with mailto: or https://")
    .optional(),
};
