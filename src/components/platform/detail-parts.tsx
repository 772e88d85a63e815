import type { ReactNode } from "react";
import { Link } from "@/i18n/navigation";

// The pieces of a platform detail page (a job, a billing webhook event): the header with the way back,
// the facts, titled sections, the last error and JSON values. Server or client: they only take props.

/** The way back to the list, the record's title with its status badge, and the actions under them. */
export function DetailHeader({
  back,
  titleId,
  title,
  badge,
  children,
}: {
  back: { href: string; label: string };
  /** The id the page's <article aria-labelledby> points at. */
  titleId: string;
  title: string;
  badge: ReactNode;
  children?: ReactNode;
}) {
  return (
    <div className="flex flex-col gap-2">
      <Link href={back.href} className="text-sm text-muted-foreground underline-offset-4 hover:underline">
        ← {back.label}
      </Link>
      <div className="flex flex-wrap items-center gap-3">
        <h1 id={titleId} className="font-mono text-2xl font-semibold">
          {title}
        </h1>
        {badge}
      </div>
      {children}
    </div>
  );
}

/** Label and value pairs in a bordered grid; the values in monospace, broken anywhere (ids, keys). */
export function DetailFacts({ label, facts }: { label: string; facts: ReadonlyArray<readonly [string, string]> }) {
  return (
    <dl aria-label={label} className="grid grid-cols-1 gap-x-6 gap-y-2 rounded-lg border p-4 text-sm sm:grid-cols-[max-content_1fr]">
      {facts.map(([term, value]) => (
        <div key={term} className="contents">
          <dt className="text-muted-foreground">{term}</dt>
          <dd className="break-all font-mono text-xs sm:text-sm">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A titled part of the page: an h2 (`id` labels the section) and its content. */
export function DetailSection({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="flex flex-col gap-2">
      <h2 id={id} className="text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

/** A muted line saying there is nothing (no error, no result). */
export function DetailEmpty({ children }: { children: ReactNode }) {
  return <p className="text-sm text-muted-foreground">{children}</p>;
}

/** The full last error, wrapped, in red; `none` when there is none. */
export function ErrorBlock({ error, none }: { error: string | null; none: string }) {
  if (!error) return <DetailEmpty>{none}</DetailEmpty>;
  return (
    <pre className="overflow-x-auto whitespace-pre-wrap break-words rounded-lg border border-red-300 bg-red-50 p-3 text-xs text-red-900 dark:bg-red-950 dark:text-red-100">
      {error}
    </pre>
  );
}

/**
 * A value as indented JSON. `capped` limits the height for large documents (a provider's payload) and
 * scrolls both ways; the block is then focusable, so the keyboard can scroll it.
 */
export function JsonBlock({ value, capped = false }: { value: unknown; capped?: boolean }) {
  const json = JSON.stringify(value, null, 2);
  if (capped) {
    return (
      <pre tabIndex={0} className="max-h-[32rem] overflow-auto rounded-lg border bg-muted/40 p-3 text-xs">
        {json}
      </pre>
    );
  }
  return <pre className="overflow-x-auto rounded-lg border bg-muted/40 p-3 text-xs">{json}</pre>;
}
