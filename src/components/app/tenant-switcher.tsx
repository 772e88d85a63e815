"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ChevronsUpDown, Plus } from "lucide-react";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { z } from "@/lib/zod";
import { FormAlert, TextField, useServerErrors, useZodForm } from "@/components/form";
import { AlertDialog, AlertDialogCancel, AlertDialogContent, AlertDialogFooter, AlertDialogTitle } from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuRadioGroup,
  DropdownMenuRadioItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { workspaceNameSchema } from "@/server/domain/tenancy/inputs";
import { useTRPC } from "@/trpc/react";

const createWorkspaceSchema = z.object({ name: workspaceNameSchema });

export function TenantSwitcher({ tenants, activeId }: { tenants: { id: string; name: string }[]; activeId: string }) {
  const t = useTranslations("app.tenantSwitcher");
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const afterChange = async () => {
    await queryClient.invalidateQueries(); // every cached list belonged to the previous workspace
    router.refresh();
  };
  const switchTenant = useMutation(trpc.tenants.switch.mutationOptions({ onSuccess: afterChange }));
  const [creating, setCreating] = useState(false);
  const active = tenants.find((x) => x.id === activeId);
  return (
    <>
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="outline" size="sm" aria-label={t("switchTo")} disabled={switchTenant.isPending}>
          <span className="max-w-48 truncate">{active?.name}</span>
          <ChevronsUpDown className="size-3.5 opacity-60" aria-hidden />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="start">
        <DropdownMenuLabel>{t("label")}</DropdownMenuLabel>
        <DropdownMenuRadioGroup value={activeId} onValueChange={(tenantId) => tenantId !== activeId && switchTenant.mutate({ tenantId })}>
          {tenants.map((tenant) => (
            <DropdownMenuRadioItem key={tenant.id} value={tenant.id}>
              {tenant.name}
            </DropdownMenuRadioItem>
          ))}
        </DropdownMenuRadioGroup>
        <DropdownMenuSeparator />
        <DropdownMenuItem onSelect={() => setCreating(true)}>
          <Plus className="size-3.5" aria-hidden />
          {t("create")}
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
    <CreateWorkspaceDialog open={creating} onOpenChange={setCreating} onCreated={afterChange} />
    </>
  );
}

function CreateWorkspaceDialog({ open, onOpenChange, onCreated }: { open: boolean; onOpenChange: (open: boolean) => void; onCreated: () => Promise<void> }) {
  const t = useTranslations("app.tenantSwitcher");
  const common = useTranslations("common");
  const toasts = useTranslations("toasts");
  const trpc = useTRPC();
  const form = useZodForm(createWorkspaceSchema, { defaultValues: { name: "" } });
  const serverErrors = useServerErrors(form);
  const create = useMutation(
    trpc.tenants.create.mutationOptions({
      onSuccess: async (created) => {
        onOpenChange(false);
        form.reset();
        toast.success(toasts("workspaceCreated", { name: created.name }));
        await onCreated();
      },
      onError: serverErrors,
    }),
  );
  return (
    <AlertDialog open={open} onOpenChange={onOpenChange}>
      <AlertDialogContent>
        <AlertDialogTitle>{t("create")}</AlertDialogTitle>
        <form className="flex flex-col gap-4" noValidate onSubmit={form.handleSubmit((input) => create.mutate(input))}>
          <TextField form={form} name="name" id="new-workspace-name" label={t("createName")} required maxLength={80} autoFocus />
          <FormAlert form={form} />
          <AlertDialogFooter>
            <AlertDialogCancel type="button">{common("cancel")}</AlertDialogCancel>
            <Button type="submit" disabled={create.isPending}>
              {create.isPending ? t("creating") : common("create")}
            </Button>
          </AlertDialogFooter>
        </form>
      </AlertDialogContent>
    </AlertDialog>
  );
}
