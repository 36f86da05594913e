/** Total of request counts by API name. */
export function total(r: Record<string, number>): number {
  return Object.values(r).reduce((a, b) => a + b, 0);
}

/** Request counts as "Api=n Api=n", sorted by API name. */
export function fmtRequests(r: Record<string, number>): string {
  return Object.entries(r)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}
