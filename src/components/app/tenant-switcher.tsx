"use client";
import { useMutation } from "@tanstack/react-query";
import { ChevronsUpDown } from "lucide-react";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuLabel,
  DropdownMenuRadioGroup,
  DropdownMenuRadioItem,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { useTRPC } from "@/trpc/react";

export function TenantSwitcher({ tenants, activeId }: { tenants: { id: string; name: string }[]; activeId: string }) {
  const t = useTranslations("app.tenantSwitcher");
  const trpc = useTRPC();
  const router = useRouter();
  const switchTenant = useMutation(trpc.tenants.switch.mutationOptions({ onSuccess: () => router.refresh() }));
  const active = tenants.find((x) => x.id === activeId);
  return (
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
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
