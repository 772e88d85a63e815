import { redirect } from "@/i18n/navigation";
import { defaultLocale, isLocale } from "@/i18n/routing";

export default async function SettingsIndex({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  redirect({ href: "/settings/workspace", locale: isLocale(locale) ? locale : defaultLocale });
}
