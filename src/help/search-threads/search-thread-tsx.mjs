// Where the portal runs from its TypeScript sources (tsx, Vitest), a thread
// starts with no TypeScript loader of its own: this registers tsx's, then
// loads the thread. The built bundle starts dist/search-thread.js instead.
// Plain JavaScript, so plain node can load it.
if (!process.execArgv.some((a) => a.includes('tsx'))) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import('./search-thread.ts');
