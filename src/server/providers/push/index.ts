import { env } from "@/env";
import { createLocalPushProvider } from "./local";
import type { PushProvider } from "./types";
import { createWebPushProvider } from "./web-push";

export type { PushMessage, PushProvider, PushTarget } from "./types";

function selectPushProvider(): PushProvider {
  const { VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey, VAPID_SUBJECT: subject } = env;
  if (publicKey && privateKey && subject) return createWebPushProvider({ publicKey, privateKey, subject });
  return createLocalPushProvider();
}

/** Web Push when the VAPID keys are set, otherwise the local logging provider. Never undefined. */
export const pushProvider: PushProvider = selectPushProvider();
