/**
 * `campaign-ops sim`: the vendor simulators in the foreground with the demo account, so a person can
 * point the CLI (or curl) at them. Prints their URLs and a secrets file that uses them.
 */
import { startAllSims, type AllSims } from '../sim/index.js';
import type { Io } from './io.js';

/** The secrets file a local run needs to reach the simulators, under the demo's secret names. */
const simSecretsFile = (sims: AllSims): Record<string, object> => ({
  'campaign-ops/deltaslot-live': sims.secrets.deltadna,
  'campaign-ops/hood': sims.secrets.ocamba,
  'campaign-ops/kahuna-sandbox': sims.secrets.kahuna,
});

const runSimulators = async (io: Io, until: Promise<unknown> = waitForSignal()): Promise<number> => {
  const sims = await startAllSims();
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
