import { env } from "@/env";
import { createLocalSmsProvider } from "./local";
import { createTwilioSmsProvider } from "./twilio";
import type { SmsProvider } from "./types";

export type { SmsMessage, SmsProvider } from "./types";

function selectSmsProvider(): SmsProvider {
  const { TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken, TWILIO_FROM: from } = env;
  if (accountSid && authToken && from) return createTwilioSmsProvider({ accountSid, authToken, from, baseUrl: env.TWILIO_BASE_URL });
  return createLocalSmsProvider();
}

/** Twilio when its three keys are set, otherwise the local logging provider. Never undefined. */
export const smsProvider: SmsProvider = selectSmsProvider();
