/**
 * Drops the top-level arguments whose value is null. A model calling an OpenAI strict function must
 * send every parameter and sends null for the ones it means to leave out (see openai-strict-schema.ts);
 * other hosts do the same with optional parameters. The lookup's schemas say "optional", not
 * "nullable", so null is read here as "not given" before the library parses what is left. Only the top
 * level: inside a value (a list of sections) a null is a mistake the library should report.
 */
export function stripNullArguments(args: unknown): unknown {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return args
  return Object.fromEntries(Object.entries(args).filter(([, value]) => value !== null))
}
