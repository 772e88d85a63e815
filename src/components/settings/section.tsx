import type { ReactNode } from "react";

/** One titled block of a settings page. */
export function SettingsSection({ title, description, children, tone }: { title: string; description?: string; children: ReactNode; tone?: "danger" }) {
  return (
    <section aria-label={title} className={tone === "danger" ? "rounded-lg border border-destructive/40 p-6" : "rounded-lg border p-6"}>
      <h2 className="text-base font-semibold">{title}</h2>
      {description && <p className="mt-1 text-sm text-muted-foreground">{description}</p>}
      <div className="mt-4">{children}</div>
    </section>
  );
}
