"use client";
import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { useTRPC } from "@/trpc/react";

const POLL_MS = 2_000;
const GIVE_UP_MS = 60_000;

/**
 * Back from the hosted checkout before the provider's webhook was processed: poll the checkout's outcome
 * (by its session id) until it is confirmed or declined, then reload the page so the plan, the badge in the
 * app shell and the credits show the new state.
 */
export function CheckoutReturnNotice({ sessionId }: { sessionId: string }) {
  const t = useTranslations("billing.page.checkoutReturn");
  const trpc = useTRPC();
  const [gaveUp, setGaveUp] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setGaveUp(true), GIVE_UP_MS);
    return () => clearTimeout(timer);
  }, []);
  const status = useQuery(trpc.billing.checkoutStatus.queryOptions({ sessionId }, { refetchInterval: gaveUp ? false : POLL_MS }));
  const outcome = status.data?.outcome;
  useEffect(() => {
    // A full load, not a soft navigation: the app shell's badge (a layout) must show the new state too.
    if (outcome === "succeeded") window.location.replace(`${window.location.pathname}?checkout=confirmed`);
    if (outcome === "failed") window.location.replace(`${window.location.pathname}?checkout=failed`);
  }, [outcome]);

  return <Alert variant="info">{gaveUp ? t("slow") : t("waiting")}</Alert>;
}
