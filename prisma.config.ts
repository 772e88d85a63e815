import { defineConfig } from "prisma/config";

// Used by the Prisma CLI only (generate, studio, migrate for those with the native engine).
// The app and its tools read DATABASE_URL themselves (src/server/db/database-url.ts).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations", seed: "tsx prisma/seed.ts" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:54329/saas" },
});
