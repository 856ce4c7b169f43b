/**
 * The streams a command reads and writes, and the signal that asks it to stop: passed in, so tests run
 * a command without a terminal and bin/ connects the real process.
 */
import type { Clock } from '../functions/core/clock.js';
import type { VendorRegistry } from '../functions/core/vendor.js';

interface Io {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WriteStream | NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
  /** A person asked to stop (Ctrl-C; bin/ connects the process signals): start nothing new, report, exit 130. */
  readonly signal?: AbortSignal;
  /** The vendors the command knows: the build's own, unless a test or an embedding adds one. */
  readonly vendors?: VendorRegistry;
  /** Times the account lease and the state files' locks; default the system clock (tests pass their own). */
  readonly clock?: Clock;
}

const processIo: Io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };

export { processIo };
export type { Io };
