/**
 * `campaign-ops demo` (and `npm start`): a whole maintenance window against the built-in simulators,
 * with no setup and no credentials. A dry run, the overnight pause, a person's changes during the
 * window, the morning resume, and a Kahuna populate tracked to DONE; each step's table is printed.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CampaignOpsError, ExitStatus } from '../functions/core/errors.js';
import { exitCodeOf, type WindowResult } from '../functions/core/result.js';
import { startAllSims } from '../sim/index.js';
import type { Io } from './io.js';
import { runLocalWindow, type LocalContext } from './local.js';
import { populateExitStatus, populateLocally } from './populate.js';
import { progressReporter, renderPopulateResult, renderWindowResult } from './render.js';
import { simSecretsFile } from './sim.js';
import { EXIT_INTERRUPTED } from './interrupt.js';

const DELTADNA_WINDOW = {
  provider: 'deltadna',
  secret: 'campaign-ops/deltaslot-live',
  window: 'nightly',
  select: { environment: 'DeltaSlot/Live' },
};

const OCAMBA_WINDOW = {
  provider: 'ocamba',
  secret: 'campaign-ops/hood',
  window: 'nightly',
  select: { labels: ['night-off'] },
  reason: 'Overnight maintenance',
};

const DEMO_POPULATE = {
  provider: 'kahuna',
  secret: 'campaign-ops/kahuna-sandbox',
  env: 's',
  campaign_config: { campaign_id: 999, cred_type: 'email', observe_rate_limiting: false },
  default_params: { k_send_ts: 1767225600, company: 'Acme Steam Engine, Inc.' },
  recipient_list: [
    { k_to: ['sclemens@example.com'], company: 'Excelsior Typewriter Co.', department: 'President' },
    { k_to: ['edickinson@example.com'], department: 'writing' },
    { k_to: ['unknown.user@example.com'], department: 'sales' },
  ],
};

/** A person pressed Ctrl-C: the demo starts no further step. */
class DemoInterrupted extends CampaignOpsError {
  constructor(message = 'the demo was interrupted', options?: ErrorOptions) {
    super(message, { code: 'DEMO_INTERRUPTED', retryable: false, exitStatus: ExitStatus.interrupted }, options);
    this.name = 'DemoInterrupted';
  }
}

const runDemo = async (io: Io): Promise<number> => {
  const sims = await startAllSims();
  const stateDir = await mkdtemp(join(tmpdir(), 'campaign-ops-demo-'));
  const say = (text: string): void => void io.stdout.write(`${text}\n`);
  let worst = 0;
  try {
    const secretsFile = join(stateDir, 'secrets.json');
    await writeFile(secretsFile, JSON.stringify(simSecretsFile(sims), null, 2), { mode: 0o600 });
    const context: LocalContext = { secretsFile, stateDir };
    const step = async (title: string, request: object, action: 'pause' | 'resume', dryRun = false): Promise<WindowResult> => {
      if (io.signal?.aborted) throw new DemoInterrupted();
      say(`\n=== ${title}\n`);
      const progress = progressReporter(io.stderr, `${action}${dryRun ? ' (dry run)' : ''}`);
      try {
        const signal = io.signal ? { signal: io.signal } : {};
        const result = await runLocalWindow(request, action, { ...context, dryRun, onProgress: (p) => progress.update(p), ...signal });
        say(renderWindowResult(result));
        worst = Math.max(worst, exitCodeOf(result));
        return result;
      } finally {
        progress.finish();
      }
    };

    say('campaign-ops demo: one night of the "nightly" window against the built-in simulators');
    say(`(deltaDNA ${sims.deltadna.url}, Ocamba ${sims.ocamba.url}; state in ${stateDir})`);

    await step('21:55  Preview: what would the deltaDNA window pause? (dry run, nothing is sent)', DELTADNA_WINDOW, 'pause', true);
    await step('22:00  deltaDNA: the nightly window pauses DeltaSlot/Live', DELTADNA_WINDOW, 'pause');
    await step('22:00  Ocamba: the nightly window pauses campaigns labelled night-off', OCAMBA_WINDOW, 'pause');

    say('\n=== 02:13  People act during the window');
    sims.deltadna.setStatus(34756, 'ACTIVE');
    say('  deltaDNA: a live-ops manager resumes "Promo Free Spins" (34756) by hand in the Engage UI');
    sims.ocamba.setStatus('1000244', 'canceled');
    say('  Ocamba:   a CRM manager cancels "Weekend Deals" (1000244)');

    await step('06:00  deltaDNA: the nightly window resumes what it paused, and nothing else', { ...DELTADNA_WINDOW }, 'resume');
    await step('06:00  Ocamba: the nightly window resumes what it paused, and nothing else', OCAMBA_WINDOW, 'resume');

    const halloween = sims.deltadna.campaign(34752)?.status;
    const priceDrop = sims.ocamba.campaign('1000247')?.status;
    say('\n=== 06:01  Morning check');
    say(`  "Halloween Bonus" (34752), paused by a person before the window, is still ${halloween}.`);
    say(`  "Price Drop Alert" (1000247), paused by marketing before the window, is still ${priceDrop}.`);
    say('  Every outcome above carries its reason; exit status 0 means every selected campaign is as wanted.');
    say('\n=== 09:00  Kahuna: add this morning\'s three sign-ups to adaptive campaign 999, each job tracked to DONE\n');
    if (io.signal?.aborted) throw new DemoInterrupted();
    // Our own simulator: status reads every 200 ms instead of the vendor's one per 30 s.
    const populated = await populateLocally(DEMO_POPULATE, { secretsFile, pollIntervalMs: 200, ...(io.signal ? { signal: io.signal } : {}) });
    say(renderPopulateResult(populated));
    if (populated.interrupted) throw new DemoInterrupted();
    worst = Math.max(worst, populateExitStatus(populated));

    return worst;
  } catch (error) {
    if (!(error instanceof DemoInterrupted)) throw error;
    say('\ninterrupted: the demo stops here');
    return EXIT_INTERRUPTED;
  } finally {
    await sims.close();
    await rm(stateDir, { recursive: true, force: true });
  }
};

export { runDemo, DELTADNA_WINDOW, OCAMBA_WINDOW };
