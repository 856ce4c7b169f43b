/**
 * The vendor simulators in one place, and `startAllSims` for the demo, `campaign-ops sim` and
 * scenario tests: all three on loopback with the demo account.
 */
import { DeltaDnaCampaignKind, DeltaDnaStatus, startDeltaDnaSim } from './deltadna.js';
import type { DeltaDnaCampaign, DeltaDnaEnvironment, DeltaDnaSim, DeltaDnaSimOptions } from './deltadna.js';
import { ABSURD_LIFETIMES, HOSTILE_BEHAVIOURS, HostileBehaviour, OVERSIZED_BYTES, startThief } from './hostile.js';
import type { Hostile, HostileConfig, StolenRequest, Thief } from './hostile.js';
import { composeSim, isRecord, jsonReply, parseJson, startSimServer } from './http.js';
import type {
  BodyRead,
  Fault,
  FaultKind,
  FaultRule,
  RecordedRequest,
  RequestHead,
  SimBase,
  SimExchange,
  SimReply,
  SimServer,
  SimServerOptions,
} from './http.js';
import { KAHUNA_CRED_TYPES, KahunaEnv, KahunaJobStatus, startKahunaSim } from './kahuna.js';
import type { KahunaJob, KahunaJobTiming, KahunaSim, KahunaSimOptions } from './kahuna.js';
import { OcambaStatus, startOcambaSim } from './ocamba.js';
import type { OcambaCampaign, OcambaLimits, OcambaSim, OcambaSimOptions } from './ocamba.js';
import { DEMO_CREDENTIALS, DEMO_ENVIRONMENTS, demoDeltaDnaOptions, demoKahunaOptions, demoOcambaOptions } from './seed.js';

interface AllSimsOptions {
  /** Applied to each simulator unless its own options say otherwise. */
  readonly latencyMs?: number;
  readonly clock?: () => number;
  readonly recordBodies?: boolean;
  /** Per vendor, laid over the demo account (e.g. `ocamba: { limits: { perSecond: 3 } }`). */
  readonly deltadna?: Partial<DeltaDnaSimOptions>;
  readonly ocamba?: Partial<OcambaSimOptions>;
  readonly kahuna?: Partial<KahunaSimOptions>;
}

/** Secret values in the shape the Secrets Manager secrets hold, pointing at the simulators. */
interface SimSecrets {
  readonly deltadna: { readonly key: string; readonly password: string; readonly baseUrl: string };
  readonly ocamba: { readonly token: string; readonly baseUrl: string };
  readonly kahuna: { readonly secretKey: string; readonly apiKey: string; readonly baseUrl: string };
}

interface AllSims {
  readonly deltadna: DeltaDnaSim;
  readonly ocamba: OcambaSim;
  readonly kahuna: KahunaSim;
  readonly secrets: SimSecrets;
  close(): Promise<void>;
}

/** Starts all three; if one fails to start, the others are closed before the error is thrown. */
async function startAllSims(options: AllSimsOptions = {}): Promise<AllSims> {
  const shared = { latencyMs: options.latencyMs, clock: options.clock, recordBodies: options.recordBodies };
  const deltaDnaOptions = { ...demoDeltaDnaOptions(), ...shared, ...options.deltadna };
  const ocambaOptions = { ...demoOcambaOptions(), ...shared, ...options.ocamba };
  const kahunaOptions = { ...demoKahunaOptions(), ...shared, ...options.kahuna };
  const started = await Promise.allSettled([
    startDeltaDnaSim(deltaDnaOptions),
    startOcambaSim(ocambaOptions),
    startKahunaSim(kahunaOptions),
  ] as const);
  const [deltadna, ocamba, kahuna] = started;
  if (deltadna.status !== 'fulfilled' || ocamba.status !== 'fulfilled' || kahuna.status !== 'fulfilled') {
    await Promise.all(started.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)));
    const failure = started.find((result) => result.status === 'rejected');
    throw new Error('could not start the vendor simulators', { cause: failure?.reason });
  }
  const sims = { deltadna: deltadna.value, ocamba: ocamba.value, kahuna: kahuna.value };
  return {
    ...sims,
    secrets: {
      deltadna: { key: deltaDnaOptions.key, password: deltaDnaOptions.password, baseUrl: sims.deltadna.url },
      ocamba: { token: ocambaOptions.token, baseUrl: sims.ocamba.url },
      kahuna: { secretKey: kahunaOptions.secretKey, apiKey: kahunaOptions.apiKey, baseUrl: sims.kahuna.url },
    },
    close: async () => {
      await Promise.all([sims.deltadna.close(), sims.ocamba.close(), sims.kahuna.close()]);
    },
  };
}

export {
  ABSURD_LIFETIMES,
  composeSim,
  DEMO_CREDENTIALS,
  DEMO_ENVIRONMENTS,
  DeltaDnaCampaignKind,
  DeltaDnaStatus,
  demoDeltaDnaOptions,
  demoKahunaOptions,
  demoOcambaOptions,
  HOSTILE_BEHAVIOURS,
  HostileBehaviour,
  isRecord,
  jsonReply,
  KAHUNA_CRED_TYPES,
  KahunaEnv,
  KahunaJobStatus,
  OcambaStatus,
  OVERSIZED_BYTES,
  parseJson,
  startAllSims,
  startDeltaDnaSim,
  startKahunaSim,
  startOcambaSim,
  startSimServer,
  startThief,
};
export type {
  AllSims,
  AllSimsOptions,
  BodyRead,
  DeltaDnaCampaign,
  DeltaDnaEnvironment,
  DeltaDnaSim,
  DeltaDnaSimOptions,
  Fault,
  FaultKind,
  FaultRule,
  Hostile,
  HostileConfig,
  KahunaJob,
  KahunaJobTiming,
  KahunaSim,
  KahunaSimOptions,
  OcambaCampaign,
  OcambaLimits,
  OcambaSim,
  OcambaSimOptions,
  RecordedRequest,
  RequestHead,
  SimBase,
  SimExchange,
  SimReply,
  SimSecrets,
  SimServer,
  SimServerOptions,
  StolenRequest,
  Thief,
};
