import type { ReactNode } from "react";

export interface TableColumn {
  label: string;
  align?: "right";
}

/** A titled, read-only console table with its empty state; rows and anything after it come from the caller. */
export function TableSection({
  id,
  title,
  subtitle,
  caption,
  empty,
  columns,
  isEmpty,
  rows,
  footer,
}: {
  id: string;
  title: string;
  subtitle: string;
  caption: string;
  empty: string;
  columns: TableColumn[];
  isEmpty: boolean;
  rows: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <section aria-labelledby={id} className="flex flex-col gap-3">
      <div>
        <h2 id={id} className="text-lg font-semibold">
          {title}
        </h2>
        <p className="text-sm text-muted-foreground">{subtitle}</p>
      </div>
      {isEmpty ? (
        <p className="text-sm text-muted-foreground">{empty}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">{caption}</caption>
            <thead className="bg-muted/50 text-xs uppercase text-muted-foreground">
              <tr>
                {columns.map((c) => (
                  <th
                    key={c.label}
                    scope="col"
                    className={c.align === "right" ? "px-3 py-2 text-right font-medium" : "px-3 py-2 font-medium"}
                  >
                    {c.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>{rows}</tbody>
          </table>
        </div>
      )}
      {footer}
    </section>
  );
}
