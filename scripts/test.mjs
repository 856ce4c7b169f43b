#!/usr/bin/env node
// `npm test`: the typecheck and every test suite, run side by side rather than one after the other.
// tsc keeps one core busy for a quarter of a minute while the suites spend much of theirs waiting on
// loopback servers, so together they finish sooner. The typecheck's report is printed after the suites';
// the exit status is the first failure's (the typecheck's first), else 0. Arguments go to vitest.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The file a package's `bin` names, found through its package.json (which every package exports). */
const binOf = (name, command) => {
  const manifest = require.resolve(`${name}/package.json`);
  const { bin } = require(manifest);
  return join(dirname(manifest), typeof bin === 'string' ? bin : bin[command]);
};

/** Runs a package's command line with this Node; resolves with its exit status and, if asked, its output. */
const run = (script, args, { capture = false } = {}) =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    const output = [];
    if (capture) {
      child.stdout.on('data', (chunk) => output.push(chunk));
      child.stderr.on('data', (chunk) => output.push(chunk));
    }
    child.on('error', (error) => {
      output.push(Buffer.from(`${error.message}\n`));
      resolve({ status: 1, output: Buffer.concat(output).toString('utf8') });
    });
    child.on('close', (code, signal) => resolve({ status: code ?? (signal ? 1 : 0), output: Buffer.concat(output).toString('utf8') }));
  });

const tsc = binOf('typescript', 'tsc');
const vitest = binOf('vitest', 'vitest');

// The same typecheck as `npm run typecheck`: its arguments are read from package.json, written once there.
const [, ...typecheckArgs] = require('../package.json').scripts.typecheck.split(/\s+/);
const typecheck = run(tsc, typecheckArgs, { capture: true });
const suites = await run(vitest, ['run', ...process.argv.slice(2)]);
const types = await typecheck;

process.stdout.write(types.status === 0 ? '\ntypecheck (tsc --noEmit): no errors\n' : `\ntypecheck (tsc --noEmit) FAILED:\n${types.output}\n`);
process.exitCode = types.status !== 0 ? types.status : suites.status;
