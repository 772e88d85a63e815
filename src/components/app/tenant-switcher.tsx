"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ChevronsUpDown, Plus } from "lucide-react";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useErrorText } from "@/components/error-text";
import { Alert } from "@/components/ui/alert";
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
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { useTRPC } from "@/trpc/react";

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
  const errorText = useErrorText();
  const trpc = useTRPC();
  const [name, setName] = useState("");
  const create = useMutation(
    trpc.tenants.create.mutationOptions({
      onSuccess: async () => {
        onOpenChange(false);
        setName("");
        await onCreated();
      },
    }),
  );
  return (
    <AlertDialog open={open} onOpenChange={onOpenChange}>
      <AlertDialogContent>
        <AlertDialogTitle>{t("create")}</AlertDialogTitle>
        <form
          className="flex flex-col gap-4"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ name });
          }}
        >
          <div className="grid gap-2">
            <Label htmlFor="new-workspace-name">{t("createName")}</Label>
            <Input id="new-workspace-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={80} autoFocus />
          </div>
          {create.error && <Alert variant="error">{errorText(create.error)}</Alert>}
          <AlertDialogFooter>
            <AlertDialogCancel type="button">{common("cancel")}</AlertDialogCancel>
            <Button type="submit" disabled={create.isPending || !name.trim()}>
              {create.isPending ? t("creating") : common("create")}
            </Button>
          </AlertDialogFooter>
        </form>
      </AlertDialogContent>
    </AlertDialog>
  );
}
