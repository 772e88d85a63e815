import type { getTranslations } from "next-intl/server";
import type { SimulatorProduct } from "@/server/providers/payments/simulator/catalog";

type SimulatorTranslator = Awaited<ReturnType<typeof getTranslations<"simulator">>>;

/** "Pro plan, billed monthly" / "1,000 AI credits" in the page's language. */
export function productLabel(t: SimulatorTranslator, product: SimulatorProduct): string {
  return product.kind === "plan"
    ? t("product.plan", { name: product.name, interval: product.interval })
    : t("product.creditPack", { count: product.credits });
}
