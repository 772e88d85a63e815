import { z } from "zod";
import type { DbTx } from "@/server/db/client";
import { AppError } from "@/server/domain/errors";
import { CATEGORIES, CHANNELS, DEFAULT_ENABLED, isAlwaysOn, type Category, type Channel } from "./events";

export const preferenceSchema = z.object({
  category: z.enum(CATEGORIES),
  channel: z.enum(CHANNELS),
  enabled: z.boolean(),
});
export const setPreferencesInputSchema = z.object({ preferences: z.array(preferenceSchema).min(1).max(CATEGORIES.length * CHANNELS.length) });
export type SetPreferencesInput = z.infer<typeof setPreferencesInputSchema>;

export const preferencesOutputSchema = z.object({
  preferences: z.array(preferenceSchema.extend({ locked: z.boolean() })),
});
export type PreferencesOutput = z.infer<typeof preferencesOutputSchema>;

/** The full matrix for one user: stored choices over the defaults; always-on cells are locked on. */
export async function getNotificationPreferences(db: DbTx, input: { userId: string }): Promise<PreferencesOutput> {
  const stored = await db.notificationPreference.findMany({ where: { userId: input.userId }, select: { category: true, channel: true, enabled: true } });
  const byKey = new Map(stored.map((p) => [`${p.category}:${p.channel}`, p.enabled]));
  return {
    preferences: CATEGORIES.flatMap((category) =>
      CHANNELS.map((channel) => {
        const locked = isAlwaysOn(category, channel);
        const enabled = locked || (byKey.get(`${category}:${channel}`) ?? DEFAULT_ENABLED[channel]);
        return { category, channel, enabled, locked };
      }),
    ),
  };
}

/** Stores the given cells; turning off an always-on one is refused (INVALID_INPUT -> BAD_REQUEST). */
export async function setNotificationPreferences(db: DbTx, input: { userId: string } & SetPreferencesInput): Promise<PreferencesOutput> {
  const refused = input.preferences.find((p) => !p.enabled && isAlwaysOn(p.category, p.channel));
  if (refused) {
    throw new AppError("INVALID_INPUT", `${refused.category} ${refused.channel} notifications cannot be turned off`, {
      key: "notifications.alwaysOn",
      params: { category: refused.category, channel: refused.channel },
    });
  }
  for (const p of input.preferences) {
    await db.notificationPreference.upsert({
      where: { userId_category_channel: { userId: input.userId, category: p.category, channel: p.channel } },
      create: { userId: input.userId, category: p.category, channel: p.channel, enabled: p.enabled },
      update: { enabled: p.enabled },
    });
  }
  return getNotificationPreferences(db, { userId: input.userId });
}

/** Whether one user gets one category on one channel (notify's check). */
export async function isChannelEnabled(db: DbTx, input: { userId: string; category: Category; channel: Channel }): Promise<boolean> {
  if (isAlwaysOn(input.category, input.channel)) return true;
  const stored = await db.notificationPreference.findUnique({
    where: { userId_category_channel: { userId: input.userId, category: input.category, channel: input.channel } },
    select: { enabled: true },
  });
  return stored?.enabled ?? DEFAULT_ENABLED[input.channel];
}
