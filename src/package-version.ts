import manifest from '../package.json' with { type: 'json' }

/** The version in package.json: what `--version` prints and what the MCP server reports as its own. */
export const PACKAGE_VERSION: string = manifest.version
