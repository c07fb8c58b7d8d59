/**
 * User mentions of a message: `<@U123>` / `<@U123|name>` in the mrkdwn text and `{type: "user",
 * user_id}` elements of Block Kit `rich_text` blocks (modern clients send both; older messages only
 * the text). Ids in order of first appearance, without duplicates.
 */

const textMention = /<@([UWB][A-Z0-9]+)(?:\|[^>]*)?>/g

/** Block trees are shallow in practice; the bound keeps a hostile payload from exhausting the stack. */
const maxBlockDepth = 32

export function mentionedUserIds(text: string | null | undefined, blocks: readonly unknown[] | null | undefined): string[] {
  const ids = new Set<string>()
  for (const match of (text ?? '').matchAll(textMention)) {
    if (match[1] !== undefined) ids.add(match[1])
  }
  for (const block of blocks ?? []) collectBlockMentions(block, ids, 0)
  return [...ids]
}

function collectBlockMentions(node: unknown, ids: Set<string>, depth: number): void {
  if (depth > maxBlockDepth || typeof node !== 'object' || node === null) return
  if (Array.isArray(node)) {
    for (const child of node) collectBlockMentions(child, ids, depth + 1)
    return
  }
  const record = node as Record<string, unknown>
  if (record.type === 'user' && typeof record.user_id === 'string' && record.user_id !== '') ids.add(record.user_id)
  if (Array.isArray(record.elements)) collectBlockMentions(record.elements, ids, depth + 1)
}
