#!/usr/bin/env -S node --max-semi-space-size=16 --max-old-space-size=160
// Under npm scripts and npx the project's own Node 24 (node_modules/.bin/node, from the `node`
// devDependency) is first on PATH. It strips TypeScript types natively, so the CLI runs from src/.
//
// A bounded young generation: on a machine with a lot of memory V8 sizes it at up to 3 × 64 MB and lets
// it fill before collecting, which alone added ~150 MB of RSS to an import whose live data is ~50 MB.
// At 4 MB a semi-space, a resolution pass holding batches read ahead copied them survivor to survivor:
// 9,451 scavenges, 29.4 s of a first pass at a million person records; at 16 MB, 2,278 and 14.2 s.
// The old space is capped so that V8 collects before the process passes the 300 MB an import may use
// (Node and the loaded modules take ~120 MB of RSS before any data). Nothing the CLI does holds state
// that grows with the input — readers stream, pages are bounded in bytes, resolution runs in SQL — so
// the cap is a bound, not a risk (a million-person export of each system imports under it).
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `customer-graph: E_NODE_VERSION needs Node >= 22.18 (this is ${process.versions.node}); ` +
      'run it as "npx customer-graph" in the project folder so the pinned Node 24 is used\n',
  )
  process.exitCode = 1
} else {
  // Node keeps each module compiled (types stripped) in a cache folder between runs, keyed by the
  // file's content: it halves the start-up of every command (1.1–1.4 s to 0.6–0.7 s measured).
  // NODE_DISABLE_COMPILE_CACHE=1 turns it off.
  const { enableCompileCache } = await import('node:module')
  enableCompileCache?.()
  await import('../src/main.ts')
}
