/**
 * A believable demo account for each vendor, used by `campaign-ops demo`, `campaign-ops sim` and
 * scenario tests. Every call builds fresh objects, so one run's changes never leak into the next.
 * The credentials are obviously fake and only open these simulators.
 */
import type { DeltaDnaCampaign, DeltaDnaEnvironment, DeltaDnaSimOptions } from './deltadna.js';
import type { KahunaSimOptions } from './kahuna.js';
import type { OcambaCampaign, OcambaSimOptions } from './ocamba.js';

const DEMO_CREDENTIALS = {
  deltadna: { key: 'demo-deltadna-key-not-real', password: 'demo-deltadna-password-not-real' },
  ocamba: { token: 'demo-ocamba-token-not-real' },
  kahuna: { secretKey: 'demo-kahuna-secret-key-not-real', apiKey: 'demo-kahuna-api-key-not-real' },
} as const;

/** Environment ids worth naming in demos and tests. */
const DEMO_ENVIRONMENTS = {
  deltaSlotDev: 8755,
  deltaSlotLive: 8756,
  puzzleQuestDev: 9120,
  puzzleQuestLive: 9121,
} as const;

function deltaDnaEnvironments(): DeltaDnaEnvironment[] {
  return [
    { id: DEMO_ENVIRONMENTS.deltaSlotDev, game: 'DeltaSlot', name: 'Dev' },
    { id: DEMO_ENVIRONMENTS.deltaSlotLive, game: 'DeltaSlot', name: 'Live' },
    { id: DEMO_ENVIRONMENTS.puzzleQuestDev, game: 'PuzzleQuest', name: 'Dev' },
    { id: DEMO_ENVIRONMENTS.puzzleQuestLive, game: 'PuzzleQuest', name: 'Live' },
  ];
}

/** Extra fields (trigger, priority, dates) are there so clients prove they ignore what they do not use. */
function deltaDnaCampaigns(): DeltaDnaCampaign[] {
  const live = DEMO_ENVIRONMENTS.deltaSlotLive;
  const dev = DEMO_ENVIRONMENTS.deltaSlotDev;
  const pqLive = DEMO_ENVIRONMENTS.puzzleQuestLive;
  const pqDev = DEMO_ENVIRONMENTS.puzzleQuestDev;
  return [
    { id: 34749, name: 'Welcome Offer', environment: live, status: 'ACTIVE', trigger: 'newPlayer', priority: 1 },
    { id: 34750, name: 'Daily Spin Reminder', environment: live, status: 'ACTIVE', trigger: 'gameStarted', priority: 3 },
    // The vendor tutorial's campaign that cannot be paused: never finalised.
    { id: 34751, name: 'Jackpot Weekend', environment: live, status: 'DRAFT', trigger: 'gameStarted', priority: 2 },
    // Paused by a person before any window: a window must leave it paused.
    { id: 34752, name: 'Halloween Bonus', environment: live, status: 'PAUSED', trigger: 'gameStarted', priority: 2 },
    { id: 34753, name: 'Summer Sale', environment: live, status: 'COMPLETED', trigger: 'transaction', endDate: '2026-08-31T23:59:59Z' },
    { id: 34754, name: 'Promo Coins x2', environment: live, status: 'SCHEDULED', startDate: '2026-12-24T18:00:00Z' },
    { id: 34755, name: 'VIP Cashback [no-pause]', environment: live, status: 'ACTIVE', trigger: 'transaction', priority: 1 },
    { id: 34756, name: 'Promo Free Spins', environment: live, status: 'ACTIVE', trigger: 'levelUp', priority: 4 },
    { id: 34701, name: 'Welcome Offer (test)', environment: dev, status: 'ACTIVE', trigger: 'newPlayer' },
    { id: 34702, name: 'Promo Coins x2 (test)', environment: dev, status: 'SCHEDULED', startDate: '2026-12-20T18:00:00Z' },
    { id: 41020, name: 'Level 50 Reward', environment: pqLive, status: 'ACTIVE', trigger: 'levelUp' },
    { id: 41021, name: 'Comeback Gift', environment: pqLive, status: 'SCHEDULED', startDate: '2026-12-01T09:00:00Z' },
    { id: 41001, name: 'Comeback Gift (test)', environment: pqDev, status: 'ACTIVE', trigger: 'sessionStart' },
  ];
}

function deltaDnaDecisionPointCampaigns(): DeltaDnaCampaign[] {
  return [
    { id: 52001, name: 'Shop Banner', environment: DEMO_ENVIRONMENTS.deltaSlotLive, status: 'ACTIVE', decisionPoint: 'shopOpened' },
    { id: 52002, name: 'Level Select Offer', environment: DEMO_ENVIRONMENTS.puzzleQuestLive, status: 'ACTIVE', decisionPoint: 'levelSelect' },
  ];
}

function ocambaCampaigns(): OcambaCampaign[] {
  return [
    { id: '1000241', name: 'Welcome Series', description: 'Onboarding pushes', labels: ['night-off', 'onboarding'], status: 'running', send_strategy: 'immediately' },
    { id: '1000242', name: 'Daily Digest', description: 'Morning summary', labels: ['night-off'], status: 'running', send_strategy: 'immediately' },
    { id: '1000243', name: 'Cart Reminder', description: 'Abandoned carts', labels: [], status: 'running', send_strategy: 'immediately' },
    { id: '1000244', name: 'Weekend Deals', labels: ['night-off', 'promo'], status: 'scheduled', scheduled_time: '2026-12-05 09:00:00', send_strategy: 'scheduled' },
    { id: '1000245', name: 'Spring Launch', description: 'Not ready yet', labels: ['promo'], status: 'draft', send_strategy: 'scheduled' },
    { id: '1000246', name: 'Old Promo', labels: ['promo'], status: 'canceled', send_strategy: 'immediately' },
    // Paused by a person before any window: a window must leave it paused.
    { id: '1000247', name: 'Price Drop Alert', labels: ['night-off'], status: 'paused', pause_reason: 'Paused by marketing for review', send_strategy: 'immediately' },
    { id: '1000248', name: 'Black Friday', description: 'Black Friday push', labels: ['night-off', 'promo'], status: 'running', send_strategy: 'immediately' },
    // Opted out: never touched whatever the selection says.
    { id: '1000249', name: 'Transactional Receipts', labels: ['campaign-ops:skip', 'night-off'], status: 'running', send_strategy: 'immediately' },
    { id: '1000250', name: 'Cyber Monday', labels: ['promo'], status: 'scheduled', scheduled_time: '2026-11-30 08:00:00', send_strategy: 'scheduled' },
  ];
}

/** Options for startDeltaDnaSim with the demo account (add port, latency, clock as needed). */
function demoDeltaDnaOptions(): DeltaDnaSimOptions {
  return {
    ...DEMO_CREDENTIALS.deltadna,
    environments: deltaDnaEnvironments(),
    campaigns: deltaDnaCampaigns(),
    decisionPointCampaigns: deltaDnaDecisionPointCampaigns(),
  };
}

function demoOcambaOptions(): OcambaSimOptions {
  return { ...DEMO_CREDENTIALS.ocamba, campaigns: ocambaCampaigns() };
}

/** Users whose credential starts with "unknown" are reported as not found, so demos show that count. */
function demoKahunaOptions(): KahunaSimOptions {
  return {
    ...DEMO_CREDENTIALS.kahuna,
    campaignIds: [999, 1001],
    notFound: (credential) => credential.startsWith('unknown'),
  };
}

export { DEMO_CREDENTIALS, DEMO_ENVIRONMENTS, demoDeltaDnaOptions, demoKahunaOptions, demoOcambaOptions };
