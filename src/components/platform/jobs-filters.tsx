import { getTranslations } from "next-intl/server";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { Link } from "@/i18n/navigation";
import { JOB_STATUSES } from "@/server/domain/jobs/admin";

export interface JobsFilterValues {
  status?: string;
  name?: string;
  search?: string;
}

/** A plain GET form: filtering works without JavaScript, and a filtered list is a shareable URL. */
export async function JobsFilters({ values }: { values: JobsFilterValues }) {
  const t = await getTranslations("platform.jobs");
  const filtered = !!(values.status || values.name || values.search);
  return (
    <form method="get" role="search" aria-label={t("filters.label")} className="flex flex-col gap-3 sm:flex-row sm:items-end">
      <div className="grid gap-1.5 sm:w-48">
        <Label htmlFor="jobs-status">{t("filters.status")}</Label>
        <Select id="jobs-status" name="status" defaultValue={values.status ?? ""}>
          <option value="">{t("filters.allStatuses")}</option>
          {JOB_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}`)}
            </option>
          ))}
        </Select>
      </div>
      <div className="grid flex-1 gap-1.5">
        <Label htmlFor="jobs-name">{t("filters.name")}</Label>
        <Input id="jobs-name" name="name" defaultValue={values.name ?? ""} placeholder={t("filters.namePlaceholder")} maxLength={120} />
      </div>
      <div className="grid flex-1 gap-1.5">
        <Label htmlFor="jobs-search">{t("filters.search")}</Label>
        <Input id="jobs-search" name="q" defaultValue={values.search ?? ""} placeholder={t("filters.searchPlaceholder")} maxLength={200} />
      </div>
      <div className="flex gap-2">
        <Button type="submit">{t("filters.apply")}</Button>
        {filtered && (
          <Button asChild variant="outline">
            <Link href="/platform/jobs">{t("filters.reset")}</Link>
          </Button>
        )}
      </div>
    </form>
  );
}
