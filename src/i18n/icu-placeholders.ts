// Shared by the catalogue tests (src/i18n/messages.test.ts, src/server/domain/errors.test.ts); not used at run time.

/**
 * The argument names of an ICU message: `{name}`, `{count, plural, one {# item} other {# items}}`,
 * `{d, date, short}`. Branch texts of plural/select are messages themselves and are scanned too;
 * quoted literals ('{') are skipped. Throws on unbalanced braces.
 */
export function placeholders(message: string): string[] {
  const names = new Set<string>();
  let i = 0;
  const fail = (why: string) => {
    throw new Error(`${why} at ${i} in ${JSON.stringify(message)}`);
  };
  // Text until the closing "}" of the enclosing branch (or the end at top level).
  const text = (nested: boolean) => {
    while (i < message.length) {
      const c = message[i]!;
      if (c === "'" && (message[i + 1] === "{" || message[i + 1] === "}" || message[i + 1] === "'")) {
        const close = message.indexOf("'", i + 1);
        i = close === -1 ? message.length : close + 1;
      } else if (c === "{") {
        i++;
        argument();
      } else if (c === "}") {
        if (!nested) fail("Unbalanced }");
        return;
      } else i++;
    }
    if (nested) fail("Unclosed {");
  };
  const skipSpace = () => {
    while (/\s/.test(message[i] ?? "")) i++;
  };
  const word = () => {
    skipSpace();
    const start = i;
    while (i < message.length && !/[\s,{}]/.test(message[i]!)) i++;
    return message.slice(start, i);
  };
  const argument = () => {
    const name = word();
    if (!name) fail("Empty argument");
    names.add(name);
    skipSpace();
    if (message[i] === "}") return void i++;
    if (message[i] !== ",") fail("Expected , or }");
    i++;
    const type = word();
    skipSpace();
    if (["plural", "select", "selectordinal"].includes(type)) {
      if (message[i] !== ",") fail("Expected , after the type");
      i++;
      // selector {message} pairs (and plural's offset:n) until the closing brace
      for (;;) {
        skipSpace();
        if (message[i] === "}") return void i++;
        const selector = word();
        if (!selector) fail("Expected a selector");
        if (selector.startsWith("offset:")) continue;
        skipSpace();
        if (message[i] !== "{") fail("Expected { after a selector");
        i++;
        text(true);
        i++; // the branch's }
      }
    }
    // number / date / time with an optional style: skip to the matching brace
    let depth = 1;
    while (i < message.length && depth > 0) {
      if (message[i] === "{") depth++;
      else if (message[i] === "}") depth--;
      i++;
    }
    if (depth > 0) fail("Unclosed {");
  };
  text(false);
  return [...names].sort();
}
