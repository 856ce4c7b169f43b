/**
 * A moto server for the AWS integration tests: one per test file, on a free loopback port.
 * When moto is missing the tests fail loudly; they never skip.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

interface Moto {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Forgets every resource (POST /moto-api/reset). */
  reset(): Promise<void>;
  /** Stops the server and its process group. */
  stop(): Promise<void>;
}

const NOT_INSTALLED =
  "moto_server is not installed (pip install 'moto[server]'): the AWS integration tests cannot run";
const READY_TIMEOUT_MS = 15_000;
const REGION = 'us-east-1';

/** SDK client configuration for a moto endpoint: fixed region, dummy credentials, no global environment. */
const motoClientConfig = (endpoint: string) =>
  ({
    endpoint,
    region: REGION,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 2,
  }) as const;

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const answers = async (endpoint: string): Promise<boolean> => {
  try {
    const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
};

const killGroup = (child: ChildProcess, signal: NodeJS.Signals): void => {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
};

const startMoto = async (): Promise<Moto> => {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-2_000);
  });
  let failure: Error | undefined;
  child.on('error', (error) => {
    failure = new Error(NOT_INSTALLED, { cause: error });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Should the test process end without stop(), take the server down with it.
  const killOnExit = (): void => killGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', (code, signal) => {
    failure ??= new Error(`${NOT_INSTALLED}\nmoto_server exited (${code ?? signal}) before it answered:\n${stderr}`);
  });

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await answers(endpoint))) {
    if (failure !== undefined) throw failure;
    if (Date.now() > deadline) {
      killGroup(child, 'SIGKILL');
      throw new Error(`${NOT_INSTALLED}\nmoto_server did not answer on ${endpoint} within ${READY_TIMEOUT_MS} ms:\n${stderr}`);
    }
    await sleep(100);
  }

  return {
    endpoint,
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`moto reset answered ${response.status}`);
    },
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
};

export { startMoto, motoClientConfig, NOT_INSTALLED };
export type { Moto };
