/** $ + .key for plain keys, ["odd key"] for others, [3] for indexes. */
export function formatJsonPath(base: string, segments: readonly PropertyKey[]): string {
  let path = base
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$]*$/.test(segment)) path += `.${segment}`
    else path += `[${JSON.stringify(String(segment))}]`
  }
  return path
}
