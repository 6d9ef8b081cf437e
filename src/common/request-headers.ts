/** A Host header: a bracketed IPv6 address or a name, and an optional port (group 1 is the host name). */
export const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i;

/** A header's one value; a header sent twice is not trusted as either. */
export function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}
