"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";
import { toast } from "sonner";
import { z } from "@/lib/zod";
import { useErrorText } from "@/components/error-text";
import { FormAlert, TextField, useServerErrors, useZodForm } from "@/components/form";
import { Alert } from "@/components/ui/alert";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { ActionErrorAlert, UsageWarnings } from "@/components/usage/limit-notice";
import type { AppRouter } from "@/server/api/root";
import { projectNameSchema } from "@/server/domain/projects/inputs";
import { useTRPC } from "@/trpc/react";
import type { inferRouterOutputs } from "@trpc/server";

type Project = inferRouterOutputs<AppRouter>["projects"]["list"][number];

const projectNameFormSchema = z.object({ name: projectNameSchema });

interface ProjectAccess {
  canCreate: boolean;
  canUpdate: boolean;
  canDelete: boolean;
  /** Who is offered the upgrade / credit top-up at a limit (others are told whom to ask). */
  canManageBilling: boolean;
}

export function ProjectsPanel({ initial, ...access }: { initial: Project[] } & ProjectAccess) {
  const t = useTranslations("projects");
  const toasts = useTranslations("toasts");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.projects.list.queryOptions(undefined, { initialData: initial }));
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.projects.list.queryKey() });
  const form = useZodForm(projectNameFormSchema, { defaultValues: { name: "" } });
  const serverErrors = useServerErrors(form);
  const create = useMutation(
    trpc.projects.create.mutationOptions({
      onSuccess: async (project) => {
        form.reset();
        toast.success(toasts("projectCreated", { name: project.name }));
        await invalidate();
      },
      // A plan limit gets its own notice with the way on (below); anything else goes to the form.
      onError: (error) => !error.data?.limit && serverErrors(error),
    }),
  );

  return (
    <div className="flex flex-col gap-6">
      {access.canCreate && (
        <form className="flex flex-col gap-2 sm:flex-row sm:items-start" noValidate onSubmit={form.handleSubmit((input) => create.mutate(input))}>
          <TextField
            form={form}
            name="name"
            id="new-project"
            label={t("newLabel")}
            className="grid flex-1 gap-2"
            placeholder={t("newPlaceholder")}
            required
            maxLength={80}
          />
          <Button type="submit" className="sm:mt-6" disabled={create.isPending}>
            {create.isPending ? t("creating") : t("create")}
          </Button>
        </form>
      )}
      {create.error?.data?.limit && <ActionErrorAlert error={create.error} canManageBilling={access.canManageBilling} />}
      <FormAlert form={form} />
      {create.data?.usageWarning && <UsageWarnings warnings={[create.data.usageWarning]} />}

      {list.data.length === 0 ? (
        <section className="rounded-lg border border-dashed p-10 text-center">
          <h2 className="font-medium">{t("empty.title")}</h2>
          <p className="mt-1 text-sm text-muted-foreground">{t("empty.body")}</p>
        </section>
      ) : (
        <ul aria-label={t("title")} className="divide-y rounded-lg border">
          {list.data.map((project) => (
            <ProjectRow key={project.id} project={project} access={access} onChanged={invalidate} />
          ))}
        </ul>
      )}
    </div>
  );
}

function ProjectRow({ project, access, onChanged }: { project: Project; access: ProjectAccess; onChanged: () => Promise<void> }) {
  const t = useTranslations("projects");
  const common = useTranslations("common");
  const usage = useTranslations("usage");
  const toasts = useTranslations("toasts");
  const format = useFormatter();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const [editing, setEditing] = useState(false);
  const form = useZodForm(projectNameFormSchema, { defaultValues: { name: project.name } });
  const serverErrors = useServerErrors(form);
  const rename = useMutation(
    trpc.projects.rename.mutationOptions({
      onSuccess: async (renamed) => {
        setEditing(false);
        form.reset({ name: renamed.name });
        toast.success(toasts("projectRenamed", { name: renamed.name }));
        await onChanged();
      },
      onError: serverErrors,
    }),
  );
  const remove = useMutation(
    trpc.projects.delete.mutationOptions({
      onSuccess: async () => {
        toast.success(toasts("projectDeleted", { name: project.name }));
        await onChanged();
      },
    }),
  );
  // The example metered action; a fresh request id per click, so only a retry of the same request is deduplicated.
  const analyse = useMutation(trpc.projects.runAnalysis.mutationOptions());

  return (
    <li className="flex flex-col gap-2 p-4" aria-label={project.name}>
      {editing ? (
        <>
          <form
            className="flex flex-col gap-2 sm:flex-row sm:items-start"
            noValidate
            onSubmit={form.handleSubmit(({ name }) => rename.mutate({ id: project.id, name }))}
          >
            <TextField
              form={form}
              name="name"
              id={`rename-${project.id}`}
              label={t("renameLabel")}
              className="grid flex-1 gap-2"
              required
              maxLength={80}
              autoFocus
            />
            <div className="flex gap-2 sm:mt-6">
              <Button type="submit" disabled={rename.isPending}>
                {rename.isPending ? t("saving") : common("save")}
              </Button>
              <Button
                type="button"
                variant="outline"
                onClick={() => {
                  setEditing(false);
                  form.reset({ name: project.name });
                  rename.reset();
                }}
              >
                {common("cancel")}
              </Button>
            </div>
          </form>
          <FormAlert form={form} />
        </>
      ) : (
        <div className="flex items-center justify-between gap-4">
          <div className="min-w-0">
            <p className="truncate font-medium">{project.name}</p>
            <p className="text-xs text-muted-foreground">{t("created", { date: format.dateTime(project.createdAt, { dateStyle: "medium" }) })}</p>
          </div>
          <div className="flex shrink-0 gap-2" role="group" aria-label={t("actions", { name: project.name })}>
            {access.canUpdate && (
              <>
                <Button variant="outline" size="sm" disabled={analyse.isPending} onClick={() => analyse.mutate({ id: project.id, requestId: crypto.randomUUID() })}>
                  {analyse.isPending ? t("analysing") : t("runAnalysis")}
                </Button>
                <Button variant="outline" size="sm" onClick={() => setEditing(true)}>
                  {t("rename")}
                </Button>
              </>
            )}
            {access.canDelete && (
              <AlertDialog>
                <AlertDialogTrigger asChild>
                  <Button variant="ghost" size="sm" disabled={remove.isPending}>
                    {remove.isPending ? t("deleting") : t("delete")}
                  </Button>
                </AlertDialogTrigger>
                <AlertDialogContent>
                  <AlertDialogTitle>{t("confirmDelete.title", { name: project.name })}</AlertDialogTitle>
                  <AlertDialogDescription>{t("confirmDelete.body")}</AlertDialogDescription>
                  <AlertDialogFooter>
                    <AlertDialogCancel>{common("cancel")}</AlertDialogCancel>
                    <AlertDialogAction onClick={() => remove.mutate({ id: project.id })}>{t("confirmDelete.confirm")}</AlertDialogAction>
                  </AlertDialogFooter>
                </AlertDialogContent>
              </AlertDialog>
            )}
          </div>
        </div>
      )}
      {remove.error && <Alert variant="error">{errorText(remove.error)}</Alert>}
      {analyse.error && <ActionErrorAlert error={analyse.error} canManageBilling={access.canManageBilling} />}
      {analyse.data && (
        <>
          <Alert variant="success">
            {t("analysisDone", {
              apiCalls: usage("units.api_calls", { count: analyse.data.apiCalls }),
              aiCredits: usage("units.ai_credits", { count: analyse.data.aiCredits }),
            })}
          </Alert>
          <UsageWarnings warnings={analyse.data.warnings} />
        </>
      )}
    </li>
  );
}
