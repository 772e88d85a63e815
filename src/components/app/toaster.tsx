"use client";
import { useTranslations } from "next-intl";
import { Toaster as Sonner } from "sonner";

/** The one place completed actions are confirmed ("Role deleted."): mounted once, in the app layout. Call `toast.success(t(...))`. */
export function Toaster() {
  const t = useTranslations("toasts");
  return <Sonner position="bottom-right" richColors containerAriaLabel={t("label")} />;
}
