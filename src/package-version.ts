import manifest from '../package.json' with { type: 'json' }

/** The version in package.json: what `--version` prints, the MCP server reports and the OpenAPI document states. */
export const PACKAGE_VERSION: string = manifest.version
