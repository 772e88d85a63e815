import type { Metadata } from "next";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { TestModeRibbon } from "@/components/simulator/test-mode-ribbon";
import { paymentSimulatorEnabled } from "@/server/providers/payments";

// The payment simulator's hosted pages (checkout, customer portal), reachable only where the simulator
// runs (no Dodo API key, development or a playground build), and each only for the tenant whose billing
// session opened it (src/server/domain/billing/simulator-access.ts).

export const metadata: Metadata = { robots: { index: false, follow: false } };

export default function SimulatorLayout({ children }: { children: ReactNode }) {
  if (!paymentSimulatorEnabled) notFound();
  return (
    <div className="min-h-dvh bg-muted/40">
      <TestModeRibbon />
      <main className="mx-auto w-full max-w-4xl px-4 py-10">{children}</main>
    </div>
  );
}
