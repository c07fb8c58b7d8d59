#!/usr/bin/env node
// Under npm scripts and npx the project's own Node 24 (node_modules/.bin/node, from the `node`
// devDependency) is first on PATH. It strips TypeScript types natively, so the CLI runs from src/.
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `customer-graph: E_NODE_VERSION needs Node >= 22.18 (this is ${process.versions.node}); ` +
      'run it as "npx customer-graph" in the project folder so the pinned Node 24 is used\n',
  )
  process.exitCode = 1
} else {
  await import('../src/main.ts')
}
