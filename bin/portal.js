#!/usr/bin/env node
// The operator CLI: runs src/cli/main.ts from the source through tsx. The server
// runs from its build (dist/server.js, decision 0025); the CLI does not, so a
// command never runs code older than the checkout (dist/ is rebuilt only by
// `npm start` / `npm run build`), and tsx's second of start-up does not matter
// to a command an operator types.
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
