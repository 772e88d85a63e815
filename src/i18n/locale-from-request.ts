import { defaultLocale, isLocale, locales, type Locale } from "./routing";

/** The locale for work done outside a page (emails sent from an auth callback): cookie, then Accept-Language. */
export function localeFromHeaders(headers: Headers | undefined): Locale {
  if (!headers) return defaultLocale;
  const cookie = headers.get("cookie")?.match(/(?:^|;\s*)NEXT_LOCALE=([^;]+)/)?.[1];
  if (isLocale(cookie)) return cookie;
  const accepted = (headers.get("accept-language") ?? "")
    .split(",")
    .map((part) => part.split(";")[0]?.trim().slice(0, 2).toLowerCase());
  return accepted.find((l): l is Locale => isLocale(l) && locales.includes(l)) ?? defaultLocale;
}

/**
 * The locale for an emailed auth link: the locale its callback page is in ("/de/projects"), else the
 * request's. Sign-ups through me.signUp reach Better Auth through auth.api, which hands the email
 * callback no request, but the callback URL carries the locale the form was in.
 */
export function localeFromLink(url: string, headers: Headers | undefined): Locale {
  let callback: string | null = null;
  try {
    callback = new URL(url).searchParams.get("callbackURL");
  } catch {
    // Not a URL: fall back to the request.
  }
  const segment = callback?.split("/")[1];
  return isLocale(segment) ? segment : localeFromHeaders(headers);
}
