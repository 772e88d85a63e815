import { notFound } from "next/navigation";

// An unknown path renders the locale's not-found page (translated, rendered per request so its scripts
// carry the CSP nonce) rather than Next's prerendered default, whose scripts the CSP would block.
export default function UnknownPathPage(): never {
  notFound();
}
