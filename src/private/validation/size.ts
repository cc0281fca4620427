/**
 * The size of a rendered object, checked before it is synthesized: the API server's limit, and client-side
 * `kubectl apply`'s.
 */
/** etcd's default limit on one object (`--max-request-bytes`, 1.5 MiB): the API server refuses larger ones. */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;
/** Client-side `kubectl apply` keeps the whole object in an annotation, which is capped at 256 KiB. */
export const WARN_OBJECT_BYTES = 256 * 1024;

const WARNED = new Set<string>();

/**
 * Checks the size of a rendered spec (its JSON) before it is synthesized: over MAX_OBJECT_BYTES an error,
 * over WARN_OBJECT_BYTES a warning on stderr. Returns the spec.
 */
export function sizeChecked<T>(context: string, what: string, spec: T): T {
  // Stryker disable next-line StringLiteral: utf8 is Buffer.byteLength's default encoding
  const bytes = Buffer.byteLength(JSON.stringify(spec), 'utf8');
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MiB`;
  if (bytes > MAX_OBJECT_BYTES) {
    throw new Error(`${context}: the ${what} is ${mib(bytes)} of JSON, above the ${mib(MAX_OBJECT_BYTES)} the API server accepts for one object (etcd's limit); shorten the match values or split the routing`);
  }
  if (bytes > WARN_OBJECT_BYTES && !WARNED.has(`${context}/${what}`)) {
    WARNED.add(`${context}/${what}`);
    process.emitWarning(`${context}: the ${what} is ${(bytes / 1024).toFixed(0)} KiB of JSON; client-side \`kubectl apply\` cannot store an object over 256 KiB in its last-applied annotation (use server-side apply)`, { code: 'CDK8S_LANES_SIZE' });
  }
  return spec;
}
