// Where the portal runs from its TypeScript sources (tsx, Vitest), a thread
// starts with no TypeScript loader: even under `tsx src/server.ts` the hooks
// of the main thread do not reach a worker on Node 20. This registers tsx's,
// then loads the thread. The built bundle starts dist/search-thread.js instead.
// Plain JavaScript, so plain node can load it.
import { register } from 'tsx/esm/api';

register();
await import('./search-thread.ts');
