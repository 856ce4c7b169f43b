#!/usr/bin/env node
// Runs the TypeScript CLI straight from the checkout (no build step): tsx compiles on the fly.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
const { processIo } = await import('../cli/io.ts');
const { interruptOnSignals } = await import('../cli/interrupt.ts');
// Ctrl-C asks the run to stop and report; a second Ctrl-C quits at once.
const interrupt = interruptOnSignals(process, process.stderr, (code) => process.exit(code));
try {
  process.exitCode = await main(process.argv.slice(2), { ...processIo, signal: interrupt.signal });
} finally {
  interrupt.dispose();
}
