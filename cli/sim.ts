/**
 * `campaign-ops sim`: the vendor simulators in the foreground with the demo account, so a person can
 * point the CLI (or curl) at them. Prints their URLs and a secrets file that uses them.
 */
import type { VendorRegistry } from '../functions/core/vendor.js';
import { VENDORS } from '../functions/providers/index.js';
import { startAllSims, type AllSims } from '../sim/index.js';
import type { Io } from './io.js';

/** The demo account's secret name per vendor, as the sample requests in events/ name them. */
const DEMO_SECRET_NAMES: Readonly<Record<string, string>> = {
  deltadna: 'campaign-ops/deltaslot-live',
  ocamba: 'campaign-ops/hood',
  kahuna: 'campaign-ops/kahuna-sandbox',
};

/**
 * The secrets file a local run needs to reach the simulators, under the demo's secret names: for each
 * vendor of the registry with a simulator, the credential fields its descriptor names, and the
 * simulator's URL as `baseUrl`.
 */
const simSecretsFile = (sims: AllSims, vendors: VendorRegistry = VENDORS): Record<string, object> => {
  const simulated = sims.secrets as unknown as Readonly<Record<string, Readonly<Record<string, string>> | undefined>>;
  const file: Record<string, object> = {};
  for (const vendor of vendors.all) {
    const values = simulated[vendor.name];
    if (!values) continue;
    const secret: Record<string, string> = {};
    for (const field of [...vendor.credentials.fields, 'baseUrl']) {
      const value = values[field];
      if (value === undefined) throw new Error(`the ${vendor.name} simulator offers no ${field}`);
      secret[field] = value;
    }
    file[DEMO_SECRET_NAMES[vendor.name] ?? `campaign-ops/${vendor.name}`] = secret;
  }
  return file;
};

const runSimulators = async (io: Io, until: Promise<unknown> = waitForSignal()): Promise<number> => {
  // Requests are counted, not their bodies kept: a simulator left running for hours must not grow without end.
  const sims = await startAllSims({ recordBodies: false });
  try {
    io.stdout.write(
      [
        'Vendor simulators (demo account) are listening:',
        `  deltaDNA  ${sims.deltadna.url}`,
        `  Ocamba    ${sims.ocamba.url}`,
        `  Kahuna    ${sims.kahuna.url}`,
        '',
        'A secrets file for them (save as .campaign-ops/secrets.json):',
        JSON.stringify(simSecretsFile(sims), null, 2),
        '',
        'Try: campaign-ops pause --event events/deltadna-pause.json --dry-run',
        'Press Ctrl+C to stop.',
        '',
      ].join('\n'),
    );
    await until;
    return 0;
  } finally {
    await sims.close();
  }
};

const waitForSignal = (): Promise<void> =>
  new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });

export { runSimulators, simSecretsFile };
