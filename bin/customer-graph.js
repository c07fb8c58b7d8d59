#!/usr/bin/env -S node --max-semi-space-size=4 --max-old-space-size=256
// Under npm scripts and npx the project's own Node 24 (node_modules/.bin/node, from the `node`
// devDependency) is first on PATH. It strips TypeScript types natively, so the CLI runs from src/.
//
// The heap flags keep an import under 300 MB of RSS whatever the input size: on a machine with a lot
// of memory V8 would otherwise let young and old generations grow to several times the live data
// (about 50 MB during an import) before collecting. Everything the CLI holds is bounded by design
// (pages by bytes, whole-document JSON by 16 MiB).
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
