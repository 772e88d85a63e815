"use client";
import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { useTRPC } from "@/trpc/react";

const POLL_MS = 2_000;
const GIVE_UP_MS = 60_000;

/**
 * Back from a paid checkout. The provider confirms by webhook, usually within seconds of the redirect:
 * poll the overview until a payment newer than the one the page was rendered with shows up, then reload
 * the page as "confirmed" (fresh plan, badge, credits).
 */
export function CheckoutReturnNotice({ lastPaymentId }: { lastPaymentId: string | null }) {
  const t = useTranslations("billing.page.checkoutReturn");
  const trpc = useTRPC();
  const [since] = useState(lastPaymentId);
  const [gaveUp, setGaveUp] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setGaveUp(true), GIVE_UP_MS);
    return () => clearTimeout(timer);
  }, []);
  const overview = useQuery(trpc.billing.overview.queryOptions(undefined, { refetchInterval: gaveUp ? false : POLL_MS }));
  const latest = overview.data?.payments[0]?.id ?? since;
  const confirmed = latest !== since;
  useEffect(() => {
    // A full load, not a soft navigation: the app shell's badge (a layout) must show the new state too.
    if (confirmed) window.location.replace(`${window.location.pathname}?checkout=confirmed`);
  }, [confirmed]);

  return <Alert variant="info">{gaveUp ? t("slow") : t("waiting")}</Alert>;
}
