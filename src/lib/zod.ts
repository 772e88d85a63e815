import { z } from "zod";

// zod for code that also runs in the browser (forms and the input schemas they share with the server).
// Without `jitless`, the first z.object() probes `new Function("")` to decide whether it may compile
// parsers; the page's CSP has no 'unsafe-eval', so the browser reports a violation even though zod
// catches the error. Importing z from here sets the flag before any schema exists; eslint.config.mjs
// keeps client code on this import. The server keeps the compiled parsers.
if (typeof window !== "undefined") z.config({ jitless: true });

export { z };
