"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { toast } from "sonner";
import { SettingsSection } from "@/components/settings/section";
import { Alert } from "@/components/ui/alert";
import { Checkbox } from "@/components/ui/checkbox";
import { Skeleton } from "@/components/ui/skeleton";
import { useErrorText } from "@/components/error-text";
import { CATEGORIES, CHANNELS } from "@/server/domain/notifications/events";
import { useTRPC } from "@/trpc/react";

/** Categories down, channels across; a locked cell (security and billing email) shows as always on. */
export function NotificationPreferences() {
  const t = useTranslations("notifications");
  const toasts = useTranslations("toasts");
  const errorText = useErrorText();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const queryOptions = trpc.me.notificationPreferences.get.queryOptions();
  const prefs = useQuery(queryOptions);
  const save = useMutation(
    trpc.me.notificationPreferences.set.mutationOptions({
      onSuccess: (data) => {
        queryClient.setQueryData(queryOptions.queryKey, data);
        toast.success(toasts("preferencesSaved"));
      },
    }),
  );
  const cell = (category: string, channel: string) =>
    prefs.data?.preferences.find((p) => p.category === category && p.channel === channel);

  return (
    <SettingsSection title={t("title")} description={t("description")}>
      {prefs.isPending ? (
        <Skeleton className="h-40 w-full" />
      ) : prefs.isError ? (
        <Alert variant="error">{errorText(prefs.error)}</Alert>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm" aria-label={t("categoriesLabel")}>
            <thead>
              <tr className="text-left">
                <th scope="col" className="py-2 pr-4 font-medium">
                  <span className="sr-only">{t("categoriesLabel")}</span>
                </th>
                {CHANNELS.map((channel) => (
                  <th key={channel} scope="col" className="px-3 py-2 text-center font-medium">
                    {t(`channels.${channel}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {CATEGORIES.map((category) => (
                <tr key={category} className="border-t">
                  <th scope="row" className="py-3 pr-4 text-left font-normal">
                    <div className="font-medium">{t(`categories.${category}.label`)}</div>
                    <div className="text-muted-foreground">{t(`categories.${category}.description`)}</div>
                  </th>
                  {CHANNELS.map((channel) => {
                    const pref = cell(category, channel);
                    const label = t("toggle", { category: t(`categories.${category}.label`), channel: t(`channels.${channel}`) });
                    return (
                      <td key={channel} className="px-3 py-3 text-center">
                        <Checkbox
                          aria-label={pref?.locked ? `${label} (${t("alwaysOn")})` : label}
                          title={pref?.locked ? t("alwaysOn") : undefined}
                          checked={pref?.enabled ?? false}
                          disabled={pref?.locked || save.isPending}
                          onCheckedChange={(checked) => save.mutate({ preferences: [{ category, channel, enabled: checked === true }] })}
                        />
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div aria-live="polite" className="mt-4">
        {save.isError && <Alert variant="error">{`${t("error")}: ${errorText(save.error)}`}</Alert>}
      </div>
    </SettingsSection>
  );
}
