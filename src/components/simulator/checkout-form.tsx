"use client";
import { useTranslations } from "next-intl";
import { useEffect, useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { CheckoutActionResult, SimulatorErrorCode } from "@/server/providers/payments/simulator/errors";
import { BusyButton } from "./busy-button";

/** How long the simulated bank takes to confirm a 3-D Secure payment. */
const CHALLENGE_MS = 2_000;
const TEST_CARD = "4242 4242 4242 4242";
const DECLINE_CARD = "4000 0000 0000 0002";

type Choice = "pay" | "decline" | "3ds";

/**
 * The hosted checkout's card form, prefilled with the test card: Pay, Decline (the declining test
 * card) or Pay with 3-D Secure (a bank confirmation step first). Then back to the app's return URL.
 */
export function CheckoutForm({
  sessionId,
  email,
  complete,
}: {
  sessionId: string;
  email: string | null;
  /** The page's server action (passed in: components do not import from src/app). */
  complete: (sessionId: string, outcome: "pay" | "decline") => Promise<CheckoutActionResult>;
}) {
  const t = useTranslations("simulator");
  const [pending, startTransition] = useTransition();
  const [choice, setChoice] = useState<Choice | null>(null);
  const [challenge, setChallenge] = useState(false);
  const [redirecting, setRedirecting] = useState(false);
  const [error, setError] = useState<SimulatorErrorCode | null>(null);

  function submit(next: Choice) {
    // Outside the transition: updates inside an async transition show only once it ends.
    setChoice(next);
    setError(null);
    setChallenge(next === "3ds");
    startTransition(async () => {
      if (next === "3ds") await new Promise((resolve) => setTimeout(resolve, CHALLENGE_MS));
      const result = await complete(sessionId, next === "decline" ? "decline" : "pay");
      setChallenge(false);
      if (!result.ok) {
        setError(result.error);
        return;
      }
      setRedirecting(true);
      window.location.assign(result.redirectUrl);
    });
  }

  const busy = pending || redirecting;
  return (
    <div className="flex flex-col gap-4">
      {email && <ReadOnlyField id="sim-email" label={t("checkout.email")} value={email} />}
      <ReadOnlyField id="sim-card" label={t("checkout.cardNumber")} value={choice === "decline" ? DECLINE_CARD : TEST_CARD} />
      <div className="grid grid-cols-2 gap-3">
        <ReadOnlyField id="sim-expiry" label={t("checkout.expiry")} value="12 / 34" />
        <ReadOnlyField id="sim-cvc" label={t("checkout.cvc")} value="123" />
      </div>
      <ReadOnlyField id="sim-name" label={t("checkout.cardholder")} value={t("checkout.cardholderName")} />
      <p className="text-xs text-muted-foreground">{t("checkout.testCards", { card: TEST_CARD, declineCard: DECLINE_CARD })}</p>

      {challenge && <BankChallenge />}
      {redirecting && <Alert>{t("checkout.redirecting")}</Alert>}
      {error && <Alert variant="error">{t(`errors.${error}`)}</Alert>}

      <div className="flex flex-col gap-2">
        <BusyButton busy={busy && choice === "pay"} disabled={busy} onClick={() => submit("pay")}>
          {t("checkout.pay")}
        </BusyButton>
        <BusyButton busy={busy && choice === "3ds"} disabled={busy} variant="outline" onClick={() => submit("3ds")}>
          {t("checkout.pay3ds")}
        </BusyButton>
        <BusyButton busy={busy && choice === "decline"} disabled={busy} variant="ghost" onClick={() => submit("decline")}>
          {t("checkout.decline")}
        </BusyButton>
      </div>
    </div>
  );
}

function ReadOnlyField({ id, label, value }: { id: string; label: string; value: string }) {
  return (
    <div className="flex flex-col gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      <Input id={id} value={value} readOnly className="bg-muted font-mono" />
    </div>
  );
}

/** The 3-D Secure step: a progress bar that fills over CHALLENGE_MS. */
function BankChallenge() {
  const t = useTranslations("simulator.checkout");
  const [percent, setPercent] = useState(0);
  useEffect(() => {
    const start = Date.now();
    const timer = setInterval(() => setPercent(Math.min(100, Math.round(((Date.now() - start) / CHALLENGE_MS) * 100))), 100);
    return () => clearInterval(timer);
  }, []);
  return (
    <div role="status" className="flex flex-col gap-2 rounded-md border bg-muted p-4">
      <p className="font-medium">{t("challengeTitle")}</p>
      <p className="text-sm text-muted-foreground">{t("challengeBody")}</p>
      <div role="progressbar" aria-label={t("challengeTitle")} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} className="h-2 overflow-hidden rounded-full bg-background">
        <div className="h-full bg-primary transition-[width] duration-100" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}
