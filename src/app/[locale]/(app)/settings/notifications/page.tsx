import { getTranslations, setRequestLocale } from "next-intl/server";
import { NotificationPreferences } from "@/components/settings/notification-preferences";

export async function generateMetadata() {
  return { title: (await getTranslations("notifications"))("title") };
}

export default async function NotificationSettingsPage({ params }: { params: Promise<{ locale: string }> }) {
  setRequestLocale((await params).locale);
  const t = await getTranslations("notifications");
  return (
    <>
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <NotificationPreferences />
    </>
  );
}
