import { getTranslations, setRequestLocale } from "next-intl/server";
import type { ReactNode } from "react";
import { TwoFactorSetup } from "@/components/auth/two-factor-setup";
import { getPlatformGate } from "@/components/platform/platform-gate";
import { PlatformHeader } from "@/components/platform/platform-header";
import { PlatformRefused } from "@/components/platform/platform-refused";
import { Link, redirect } from "@/i18n/navigation";
import { defaultLocale, isLocale } from "@/i18n/routing";
import { getServerApi } from "@/trpc/server";

export async function generateMetadata() {
  return { title: (await getTranslations("platform"))("title") };
}

/**
 * The platform console's frame (journey 4). Who gets what: signed out -> sign in; not staff, staff
 * with a workspace or outside the email allowlist -> a refusal; staff without two-factor -> the TOTP
 * setup; staff with two-factor -> the pages. The platform procedures check the same rules again.
 */
export default async function PlatformLayout({ children, params }: { children: ReactNode; params: Promise<{ locale: string }> }) {
  const { locale: raw } = await params;
  const locale = isLocale(raw) ? raw : defaultLocale;
  setRequestLocale(locale);
  const gate = await getPlatformGate();
  if (gate === "signedOut") return redirect({ href: "/sign-in", locale });
  const me = await (await getServerApi()).me.get();
  const t = await getTranslations("platform.setupRequired");

  let body: ReactNode = children;
  if (gate === "notStaff" || gate === "membership" || gate === "domain") body = <PlatformRefused reason={gate} />;
  if (gate === "twoFactorSetup") {
    body = (
      <section aria-labelledby="platform-setup" className="mx-auto flex w-full max-w-xl flex-col gap-4">
        <div>
          <h1 id="platform-setup" className="text-2xl font-semibold">
            {t("title")}
          </h1>
          <p className="mt-1 text-sm text-muted-foreground">{t("body")}</p>
        </div>
        <TwoFactorSetup />
      </section>
    );
  }
  return (
    <div className="flex min-h-dvh flex-col">
      <PlatformHeader user={me.user} staff={gate !== "notStaff"} />
      {gate === "open" && <PlatformNav />}
      <main className="mx-auto w-full max-w-6xl flex-1 px-6 py-8">{body}</main>
    </div>
  );
}

/** The console's sections; only shown once the gate is open (the pages render nothing otherwise). */
async function PlatformNav() {
  const t = await getTranslations("platform.jobs.nav");
  const tBilling = await getTranslations("platform.billingEvents");
  return (
    <nav aria-label={t("label")} className="border-b">
      <ul className="mx-auto flex max-w-6xl gap-6 px-6 py-2 text-sm">
        <li>
          <Link href="/platform" className="underline-offset-4 hover:underline">
            {t("overview")}
          </Link>
        </li>
        <li>
          <Link href="/platform/jobs" className="underline-offset-4 hover:underline">
            {t("jobs")}
          </Link>
        </li>
        <li>
          <Link href="/platform/billing-events" className="underline-offset-4 hover:underline">
            {tBilling("nav")}
          </Link>
        </li>
      </ul>
    </nav>
  );
}
