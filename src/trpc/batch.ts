/**
 * The most calls one tRPC HTTP request may batch: the server refuses larger batches with 400
 * (src/app/api/trpc/[trpc]/route.ts) and the browser client splits its batches at this size
 * (src/trpc/react.tsx). It equals the database pool (DB_POOL_SIZE in src/server/db/client.ts): the
 * calls of a batch run side by side, and a batch of 100 mutations queued 90 of them for a connection
 * until their transactions timed out. Shared by client and server, so it imports nothing.
 */
export const TRPC_MAX_BATCH_SIZE = 10;
