/**
 * Maps day-file folders to channel ids. A folder is named after the channel, private channel or
 * MPIM `name`, or is the DM's D-id. Names are only unique within one workspace, so each channel file
 * registers its channels under its own folder (its scope): a Grid org export has one scope per
 * `teams/<name>/` plus the root for shared channels. A folder resolves against its own scope first,
 * then the scopes above it, then any scope. Memory grows with the number of channels, not messages.
 */
export class ChannelDirectory {
  private readonly byScope = new Map<string, Map<string, string>>()
  private readonly anyScope = new Map<string, string>()

  add(scope: string, id: string, name: string | null | undefined): void {
    let names = this.byScope.get(scope)
    if (names === undefined) {
      names = new Map()
      this.byScope.set(scope, names)
    }
    for (const key of name ? [id, name] : [id]) {
      if (!names.has(key)) names.set(key, id)
      if (!this.anyScope.has(key)) this.anyScope.set(key, id)
    }
  }

  /** The channel id of a day-file folder, or undefined when no channel file names it. */
  resolveFolder(scope: string, folder: string): string | undefined {
    for (let current: string | undefined = scope; current !== undefined; current = parentOf(current)) {
      const id = this.byScope.get(current)?.get(folder)
      if (id !== undefined) return id
    }
    const anywhere = this.anyScope.get(folder)
    if (anywhere !== undefined) return anywhere
    // Channel names are lower-case; a folder that looks like an id (a DM's D-folder) is one even
    // when dms.json is missing from the export.
    return /^[CDG][A-Z0-9]{6,}$/.test(folder) ? folder : undefined
  }

  /** The channel id of a channel name, in any scope (loose message files carry `channel_name`). */
  resolveName(name: string): string | undefined {
    return this.anyScope.get(name)
  }
}

function parentOf(scope: string): string | undefined {
  if (scope === '') return undefined
  const slash = scope.lastIndexOf('/')
  return slash === -1 ? '' : scope.slice(0, slash)
}
