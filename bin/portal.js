#!/usr/bin/env node
// The operator CLI: runs src/cli/main.ts through tsx, as `npm start` does for the server.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// The project's tsconfig (JSX settings), whatever the current directory.
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
// `portal customer list | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err) => {
  if (err.code !== 'EPIPE') throw err;
});
const { runCli } = await import('../src/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
