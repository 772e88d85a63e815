import { z } from "zod";

// Twilio's env. All three of SID, token and sender, or none (then SMS go to the local logging provider).
export const smsKeys = {
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "TWILIO_ACCOUNT_SID must be AC followed by 32 hex characters").optional(),
  TWILIO_AUTH_TOKEN: z.string().min(32, "TWILIO_AUTH_TOKEN must be at least 32 characters").optional(),
  /** An E.164 sender number (+15005550006) or a Messaging Service SID (MG...). */
  TWILIO_FROM: z
    .string()
    .regex(/^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$/, "TWILIO_FROM must be an E.164 number or a Messaging Service SID (MG...)")
    .optional(),
  /** Points the Twilio client at another host (a local fake server in tests). */
  TWILIO_BASE_URL: z.url().optional(),
};
