/**
 * Runs a maintenance window's pause or resume: read the campaigns, decide per campaign (plan.ts), act
 * within the vendor's limits, remember what was paused, and account for every campaign with its reason.
 */
import { AccountBusyError, holdAccount } from './account-lease.js';
import type { Clock } from './clock.js';
import { CampaignStatus, type Campaign, type CampaignProvider } from './campaign.js';
import { resolveEnvironment } from './environments.js';
import { describeError, isRetryable, VendorError } from './errors.js';
import { staleBecause } from './late-delivery.js';
import { Act, decidePause, decideSelectionResume, decideWindowResume, isOpen, type CampaignFacts, type Decision, type Holder } from './plan.js';
import { noTelemetry, silentLog, type AccountLease, type Log, type Telemetry, type WindowEntry, type WindowKey, type WindowStore } from './ports.js';
import { mapWithConcurrency } from './rate-limiter.js';
import { WindowAction, type WindowRequest } from './request.js';
import { emptySummary, Outcome, summarize, type CampaignOutcome, type Skipped, type WindowResult } from './result.js';
import { accountOf } from './secret-names.js';
import { compileSelection, optOutReason, type CompiledSelection } from './selection.js';
import { unreachable } from './unreachable.js';
import { METRICS } from '../settings.js';

interface WindowRunDeps {
  readonly provider: CampaignProvider;
  readonly store: WindowStore;
  /** One run per vendor account at a time; optional (the CLI and tests may run without one). */
  readonly lease?: AccountLease;
  readonly runId: string;
  readonly log?: Log;
  readonly telemetry?: Telemetry;
  readonly now?: () => Date;
  /** Campaigns acted on at once; the provider's limiter still bounds the vendor calls. */
  readonly concurrency?: number;
  /** How long the account lease lasts without renewal: a crashed run frees the account after this. */
  readonly leaseTtlMs?: number;
  /** How long to wait for another run of the account to finish before giving up (retryably). */
  readonly leaseWaitMs?: number;
  /** Times the wait for the account and the lease's heartbeat; default the system clock. */
  readonly leaseClock?: Clock;
  readonly onProgress?: (progress: { done: number; total: number; last: CampaignOutcome }) => void;
  /**
   * Asks the run to stop (a person's Ctrl-C): no campaign is started after it fires; those in flight
   * finish and are recorded, the result says how many were not started, and the lease is given back.
   */
  readonly signal?: AbortSignal;
}

const DEFAULT_CONCURRENCY = 10;

/** A campaign of the run with its facts; `listed` is false for one known only by id (named, or a window entry). */
interface Candidate {
  readonly facts: CampaignFacts;
  readonly listed: boolean;
  /** The run's selection, to check a campaign read by id against it. */
  readonly selection: CompiledSelection;
  /** The facts of the campaign as the vendor shows it when read by id (its kind may be known only then). */
  readonly factsOf: (campaign: Campaign) => CampaignFacts;
}

/** A window entry with the kind of campaign it is about. */
interface KindEntry {
  readonly kind: string | undefined;
  readonly entry: WindowEntry;
}

/** How an outcome names its campaign: id and name, and its kind where that is worth saying. */
type Identity = Pick<CampaignOutcome, 'id' | 'name' | 'kind'>;

/** The outcome of a campaign the run did not change. */
const leftAsIs = (identity: Identity, campaign: Campaign, outcome: Outcome, detail: string): CampaignOutcome => ({
  ...identity,
  before: campaign.status,
  after: campaign.status,
  vendorStatus: campaign.vendorStatus,
  outcome,
  detail,
});

const decide = (request: WindowRequest, facts: CampaignFacts): Decision => {
  switch (request.action) {
    case WindowAction.pause:
      return decidePause(facts);
    case WindowAction.resume:
      return request.scope === 'selection' ? decideSelectionResume(facts) : decideWindowResume(facts);
    default:
      return unreachable(request.action);
  }
};

/** What a resume returns a campaign to: the status before the first window paused it, as far as the entries know. */
const restoredStatus = (facts: CampaignFacts): Campaign['status'] => facts.entry?.before ?? facts.holders[0]?.entry.before ?? CampaignStatus.running;

/** One campaign of one kind: ids of two kinds (deltaDNA's event-triggered and decision-point) may be equal. */
const refOf = (kind: string | undefined, id: string): string => `${kind ?? ''}:${id}`;

class WindowRun {
  readonly #request: WindowRequest;
  readonly #deps: WindowRunDeps;
  /** The window's key; `#keyFor` adds the kind of a campaign that is not the vendor's default kind. */
  readonly #key: WindowKey;
  /** The kinds of campaign this run covers (one `undefined` for a vendor with one kind). */
  readonly #kinds: readonly (string | undefined)[];
  readonly #log: Log;
  readonly #telemetry: Telemetry;
  readonly #now: () => Date;

  constructor(request: WindowRequest, deps: WindowRunDeps) {
    this.#request = request;
    this.#deps = deps;
    // Keyed on the account, not on how this request spelled its secret (name or ARN).
    this.#key = { provider: request.provider, account: accountOf(request.secret), window: request.window };
    this.#kinds = deps.provider.kinds ?? [undefined];
    this.#log = deps.log ?? silentLog;
    this.#telemetry = deps.telemetry ?? noTelemetry;
    this.#now = deps.now ?? (() => new Date());
  }

  async run(): Promise<WindowResult> {
    const startedAt = this.#now().toISOString();
    // When the run was meant to happen: what the request says (schedule or event), else now, as asked.
    const at = this.#request.at ?? startedAt;
    const release = await this.#acquireAccount();
    try {
      // Under the lease, before anything is sent: a run delivered after the other edge's later run is stale.
      const skipped = await this.#checkOrder(at);
      if (skipped) return this.#skippedResult(startedAt, skipped);
      const { candidates, listingComplete } = await this.#readCandidates();
      const signal = this.#deps.signal;
      let done = 0;
      const carriedOut = await mapWithConcurrency(candidates, this.#deps.concurrency ?? DEFAULT_CONCURRENCY, async (candidate) => {
        if (signal?.aborted) return undefined;
        const outcome = await this.#carryOut(candidate);
        done += 1;
        this.#deps.onProgress?.({ done, total: candidates.length, last: outcome });
        return outcome;
      });
      const outcomes = carriedOut.filter((outcome): outcome is CampaignOutcome => outcome !== undefined);
      const interrupted = signal?.aborted ? { notStarted: candidates.length - outcomes.length, listingComplete } : undefined;
      if (interrupted) this.#log.warn('run interrupted', { ...interrupted });
      const summary = summarize(outcomes);
      this.#telemetry.count(METRICS.campaignsChanged, summary.changed);
      this.#telemetry.count(METRICS.campaignsUnchanged, summary.unchanged);
      this.#telemetry.count(METRICS.campaignsRejected, summary.rejected);
      this.#telemetry.count(METRICS.campaignsFailed, summary.failed);
      return {
        ...this.#resultHead(),
        startedAt,
        finishedAt: this.#now().toISOString(),
        summary,
        campaigns: outcomes,
        ...(interrupted ? { interrupted } : {}),
      };
    } finally {
      await release();
    }
  }

  /**
   * Reads the window's edges (every kind the run covers) and says why the run is stale, if it is; a run
   * that is not records itself as its edge's latest (a dry run records nothing).
   */
  async #checkOrder(at: string): Promise<Skipped | undefined> {
    const { store, runId } = this.#deps;
    const action = this.#request.action;
    const keys = [...new Map(this.#kinds.map((kind) => [kind ?? '', this.#keyFor(kind)])).values()];
    for (const key of keys) {
      const because = staleBecause(action, at, await store.edges(key));
      if (because === undefined) continue;
      this.#telemetry.count(METRICS.runsStale);
      const reason = `delivered late: this ${action} was meant for ${at}, before the ${because.action} of window ${this.#key.window} meant for ${because.at} (run ${because.runId}); nothing done`;
      this.#log.warn('run skipped: stale', { at, staleBecause: because });
      return { reason, at, staleBecause: because };
    }
    if (!this.#request.dryRun) {
      const ranAt = this.#now().toISOString();
      for (const key of keys) await store.recordEdge(key, action, { at, runId, ranAt });
    }
    return undefined;
  }

  #skippedResult(startedAt: string, skipped: Skipped): WindowResult {
    return {
      ...this.#resultHead(),
      startedAt,
      finishedAt: this.#now().toISOString(),
      summary: emptySummary(),
      campaigns: [],
      skipped,
    };
  }

  /** What every result of this run starts with: what was asked, by which run. */
  #resultHead(): Pick<WindowResult, 'action' | 'provider' | 'secret' | 'window' | 'dryRun' | 'scope' | 'kind' | 'runId'> {
    return {
      action: this.#request.action,
      provider: this.#request.provider,
      secret: this.#request.secret,
      window: this.#request.window,
      dryRun: this.#request.dryRun,
      ...(this.#request.action === WindowAction.resume ? { scope: this.#request.scope } : {}),
      ...(this.#request.select.kind !== undefined ? { kind: this.#request.select.kind } : {}),
      runId: this.#deps.runId,
    };
  }

  #acquireAccount(): Promise<() => Promise<void>> {
    const { lease, runId } = this.#deps;
    if (!lease) return Promise.resolve(async () => {});
    return holdAccount(lease, { provider: this.#request.provider, account: this.#key.account }, runId, {
      ...(this.#deps.leaseTtlMs !== undefined ? { ttlMs: this.#deps.leaseTtlMs } : {}),
      ...(this.#deps.leaseWaitMs !== undefined ? { waitMs: this.#deps.leaseWaitMs } : {}),
      ...(this.#deps.leaseClock ? { clock: this.#deps.leaseClock } : {}),
      log: this.#log,
    });
  }

  async #readCandidates(): Promise<{ candidates: Candidate[]; listingComplete: boolean }> {
    const { provider, store } = this.#deps;
    // The window state first: an unreadable state stops the run before any vendor request. Read per
    // window key (not picked out of listAccount below) because reading a window also moves its entries
    // out of the layout earlier versions kept them in.
    const entries = new Map<string, KindEntry>();
    for (const kind of this.#kinds) {
      for (const entry of await store.list(this.#keyFor(kind))) entries.set(refOf(kind, entry.campaignId), { kind, entry });
    }
    const windowResume = this.#request.action === 'resume' && this.#request.scope === 'window';
    // Nothing paused by this window: nothing to give back, and nothing to spend the vendor's limits on.
    if (windowResume && entries.size === 0) return { candidates: [], listingComplete: true };
    // Then what the other windows of the account hold, in one read. Runs of one account are serialized
    // by the account lease (account-lease.ts, taken before this read), so what they hold, read here at
    // the start, stays true while this run lasts.
    const holders = new Map<string, Holder[]>();
    for (const { window, kind: keyKind, entry } of await store.listAccount({ provider: this.#key.provider, account: this.#key.account })) {
      // Holds compose within one kind of campaign only: ids of two kinds may be equal.
      const kind = keyKind ?? provider.defaultKind;
      if (window === this.#key.window || !this.#kinds.includes(kind) || !isOpen(entry)) continue;
      const ref = refOf(kind, entry.campaignId);
      holders.set(ref, [...(holders.get(ref) ?? []), { window, entry }].sort((a, b) => a.window.localeCompare(b.window)));
    }
    const ref = this.#request.select.environment;
    const environmentId = ref ? await resolveEnvironment(provider, ref, { name: 'select.environment' }) : undefined;
    const selection = compileSelection(this.#request.select, environmentId);
    const factsOf = (campaign: Campaign): CampaignFacts => this.#facts(campaign, entries, holders, selection);

    const campaigns: Campaign[] = [];
    const seen = new Set<string>();
    const seenIds = new Set<string>();
    let listingComplete = true;
    for await (const campaign of provider.listCampaigns()) {
      // Asked to stop: read no further page; nothing will be started anyway.
      if (this.#deps.signal?.aborted) {
        listingComplete = false;
        break;
      }
      seen.add(refOf(campaign.kind, campaign.id));
      seenIds.add(campaign.id);
      if (!selection.matches(campaign)) continue;
      if (windowResume && !entries.has(refOf(campaign.kind, campaign.id))) continue;
      campaigns.push(campaign);
    }
    // Named ids the listing did not show, and (window resume) entries whose campaign was not listed:
    // read them one by one, so a vendor's "not found" lands on that campaign with its message.
    // A named id of no kind listed is read without a kind (the vendor's client asks its kinds in turn).
    const missing = new Map<string, { kind: string | undefined; id: string }>();
    if (windowResume) {
      for (const [ref, { kind, entry }] of entries) if (!seen.has(ref)) missing.set(ref, { kind, id: entry.campaignId });
    }
    const missingIds = new Set([...missing.values()].map((m) => m.id));
    for (const id of this.#request.select.ids ?? []) {
      if (!seenIds.has(id) && !missingIds.has(id)) missing.set(refOf(undefined, id), { kind: undefined, id });
    }

    const candidates: Candidate[] = campaigns.map((campaign) => ({ facts: factsOf(campaign), listed: true, selection, factsOf }));
    for (const { kind, id } of missing.values()) {
      const name = entries.get(refOf(kind, id))?.entry.name ?? '';
      const campaign: Campaign = { id, name, status: CampaignStatus.unknown, vendorStatus: 'unknown', labels: [], ...(kind !== undefined ? { kind } : {}) };
      candidates.push({ facts: { ...factsOf(campaign), named: true }, listed: false, selection, factsOf });
    }
    return { candidates, listingComplete };
  }

  /** Id and name, and the kind where the run covers several or it is not the vendor's default. */
  #identity(campaign: Campaign): Identity {
    const { kind } = campaign;
    const worthSaying = kind !== undefined && (this.#kinds.length > 1 || kind !== this.#deps.provider.defaultKind);
    return { id: campaign.id, name: campaign.name, ...(worthSaying ? { kind } : {}) };
  }

  /** The window's key for campaigns of `kind`: the vendor's default kind keeps the key it always had. */
  #keyFor(kind: string | undefined): WindowKey {
    return kind === undefined || kind === this.#deps.provider.defaultKind ? this.#key : { ...this.#key, kind };
  }

  #facts(campaign: Campaign, entries: Map<string, KindEntry>, holders: Map<string, Holder[]>, selection: ReturnType<typeof compileSelection>): CampaignFacts {
    return {
      campaign,
      entry: entries.get(refOf(campaign.kind, campaign.id))?.entry,
      holders: holders.get(refOf(campaign.kind, campaign.id)) ?? [],
      optOut: optOutReason(campaign),
      excluded: selection.excluded(campaign),
      named: selection.named(campaign),
      window: this.#request.window,
    };
  }

  /** Never throws: whatever goes wrong with one campaign is that campaign's `failed` outcome, with why. */
  async #carryOut(candidate: Candidate): Promise<CampaignOutcome> {
    try {
      return await this.#decideAndAct(candidate);
    } catch (error) {
      const { campaign } = candidate.facts;
      this.#log.error('campaign could not be handled', { campaignId: campaign.id, error: describeError(error) });
      return leftAsIs(this.#identity(campaign), campaign, Outcome.failed, describeError(error));
    }
  }

  async #decideAndAct(candidate: Candidate): Promise<CampaignOutcome> {
    let facts = candidate.facts;
    if (!candidate.listed) {
      // Not in the listing: ask for it directly and decide on what the vendor says now.
      let campaign: Campaign;
      try {
        campaign = await this.#deps.provider.getCampaign(facts.campaign.id, facts.campaign.kind);
      } catch (error) {
        return this.#unreadable(facts, error);
      }
      // Named by id is not a licence to leave the selection: the environment, names and labels still hold.
      if (!candidate.selection.matches(campaign)) {
        const where = campaign.environment !== undefined ? ` (environment ${campaign.environment})` : '';
        return leftAsIs(this.#identity(campaign), campaign, Outcome.unchanged, `outside the selection${where}: not touched`);
      }
      // Its facts again, now that its kind is known: its entry and other windows' holds are keyed by it.
      facts = { ...candidate.factsOf(campaign), named: facts.named };
    }
    const campaign = facts.campaign;
    const decision = decide(this.#request, facts);
    const base = { ...this.#identity(campaign), before: campaign.status, vendorStatus: campaign.vendorStatus };

    if (decision.act === Act.none) {
      if (!this.#request.dryRun) await this.#tidyEntry(facts, decision);
      return { ...base, after: campaign.status, outcome: decision.failed ? Outcome.failed : Outcome.unchanged, detail: decision.reason };
    }
    const act = decision.act;
    switch (act) {
      case Act.pause:
        if (this.#request.dryRun) return { ...base, after: CampaignStatus.paused, outcome: Outcome.planned, detail: `dry run: ${decision.reason}` };
        return this.#pause(campaign, facts, decision, base);
      case Act.resume:
        if (this.#request.dryRun) {
          return { ...base, after: restoredStatus(facts), outcome: Outcome.planned, detail: `dry run: ${decision.reason}` };
        }
        return this.#resume(campaign, facts, decision, base);
      default:
        return unreachable(act);
    }
  }

  async #tidyEntry(facts: CampaignFacts, decision: Decision): Promise<void> {
    const at = this.#now().toISOString();
    const key = this.#keyFor(facts.campaign.kind);
    if (decision.confirmEntry) await this.#deps.store.confirmPaused(key, facts.campaign.id, at);
    if (decision.closeEntry) await this.#deps.store.markResumed(key, facts.campaign.id, at);
    if (decision.joinHold) {
      // This window holds it too, from what the first window saw: whoever lets go last restores that.
      const { window, entry } = decision.joinHold;
      await this.#deps.store.beginPause(key, {
        campaignId: facts.campaign.id,
        name: facts.campaign.name,
        before: entry.before,
        beforeVendorStatus: entry.beforeVendorStatus,
        runId: this.#deps.runId,
        at,
        heldWith: window,
      });
      await this.#deps.store.confirmPaused(key, facts.campaign.id, at);
    }
  }

  /** A `scope: "selection"` resume overrides other windows' holds: their entries are closed, saying why. */
  async #closeHolds(campaign: Campaign, holders: readonly Holder[]): Promise<void> {
    const at = this.#now().toISOString();
    const reason = `resumed by window ${this.#key.window} with scope "selection" (run ${this.#deps.runId})`;
    for (const { window } of holders) await this.#deps.store.markResumed({ ...this.#keyFor(campaign.kind), window }, campaign.id, at, reason);
  }

  async #pause(campaign: Campaign, facts: CampaignFacts, decision: Decision, base: Omit<CampaignOutcome, 'after' | 'outcome' | 'detail'>): Promise<CampaignOutcome> {
    const { store, provider, runId } = this.#deps;
    // Written before the vendor call: a crash between the two cannot lose what the window paused.
    const key = this.#keyFor(campaign.kind);
    const entry = await store.beginPause(key, {
      campaignId: campaign.id,
      name: campaign.name,
      before: campaign.status,
      beforeVendorStatus: campaign.vendorStatus,
      runId,
      at: this.#now().toISOString(),
    });
    try {
      await provider.pause(campaign, this.#request.reason);
      await store.confirmPaused(key, campaign.id, this.#now().toISOString());
      return { ...base, after: CampaignStatus.paused, outcome: Outcome.changed, detail: decision.reason };
    } catch (error) {
      // The vendor may have refused because the campaign is already paused: by our own earlier attempt
      // (a retried call) or by a concurrent run of the same window. Read it again before judging.
      const now = await this.#reread(campaign.id, campaign.kind);
      if (now?.status === CampaignStatus.paused) {
        await store.confirmPaused(key, campaign.id, this.#now().toISOString());
        return entry.runId === runId
          ? { ...base, after: CampaignStatus.paused, outcome: Outcome.changed, detail: decision.reason }
          : { ...base, after: CampaignStatus.paused, outcome: Outcome.unchanged, detail: `paused by a concurrent run of window ${this.#request.window}` };
      }
      // Forget the intent only when the vendor said no for good (a 4xx), and only this run's own. After a
      // timeout, a reset or a 5xx the pause may still land later: the intent stays, and the next run or
      // the resume settles it by what the vendor then shows.
      const refusedForGood = error instanceof VendorError && !error.retryable;
      if (now !== undefined && refusedForGood && entry.runId === runId) await store.forget(key, campaign.id);
      return this.#refused(base, error, 'pause');
    }
  }

  async #resume(campaign: Campaign, facts: CampaignFacts, decision: Decision, base: Omit<CampaignOutcome, 'after' | 'outcome' | 'detail'>): Promise<CampaignOutcome> {
    const { store, provider } = this.#deps;
    const after = restoredStatus(facts);
    try {
      await provider.resume(campaign);
    } catch (error) {
      const now = await this.#reread(campaign.id, campaign.kind);
      if (now === undefined || now.status === CampaignStatus.paused || now.status === CampaignStatus.unknown) {
        return this.#refused(base, error, 'resume');
      }
      if (now.status !== CampaignStatus.running && now.status !== CampaignStatus.scheduled) {
        // Ended (or back to draft) between our read and our call: a person's doing, which stands.
        if (facts.entry) await store.markResumed(this.#keyFor(campaign.kind), campaign.id, this.#now().toISOString());
        return { ...base, after: now.status, vendorStatus: now.vendorStatus, outcome: Outcome.unchanged, detail: `${now.status} during window ${this.#request.window} (${now.vendorStatus}): left as is` };
      }
      // Running again: our earlier attempt (a retried call) or a concurrent run resumed it.
    }
    if (facts.entry) await store.markResumed(this.#keyFor(campaign.kind), campaign.id, this.#now().toISOString());
    if (decision.closeHolds) await this.#closeHolds(campaign, decision.closeHolds);
    return { ...base, after, outcome: Outcome.changed, detail: decision.reason };
  }

  async #reread(id: string, kind: string | undefined): Promise<Campaign | undefined> {
    try {
      return await this.#deps.provider.getCampaign(id, kind);
    } catch (error) {
      this.#log.warn('could not read the campaign again after a refusal', { campaignId: id, error: describeError(error) });
      return undefined;
    }
  }

  #refused(base: Omit<CampaignOutcome, 'after' | 'outcome' | 'detail'>, error: unknown, act: string): CampaignOutcome {
    const permanent = error instanceof VendorError && !error.retryable;
    const detail = error instanceof VendorError ? `${act} refused: ${error.vendorMessage} (HTTP ${error.status})` : `${act} failed: ${describeError(error)}`;
    this.#log.warn('campaign not changed', { campaignId: base.id, act, detail, retryable: isRetryable(error) });
    return { ...base, after: base.before, outcome: permanent ? Outcome.rejected : Outcome.failed, detail };
  }

  async #unreadable(facts: CampaignFacts, error: unknown): Promise<CampaignOutcome> {
    const base = { ...this.#identity(facts.campaign), before: CampaignStatus.unknown, after: CampaignStatus.unknown };
    if (error instanceof VendorError && !error.retryable) {
      // A window entry whose campaign the vendor no longer knows: gone, which is not ours to fix.
      if (facts.entry && this.#request.action === 'resume') {
        if (!this.#request.dryRun) await this.#deps.store.markResumed(this.#keyFor(facts.campaign.kind), facts.campaign.id, this.#now().toISOString());
        return { ...base, outcome: Outcome.unchanged, detail: `no longer exists at the vendor (${error.vendorMessage})` };
      }
      return { ...base, outcome: Outcome.rejected, detail: `${error.vendorMessage} (HTTP ${error.status})` };
    }
    return { ...base, outcome: Outcome.failed, detail: `could not read the campaign: ${describeError(error)}` };
  }
}

/** Runs one pause or resume of a window and returns its result; throws only when no campaign could be read. */
const runWindow = (request: WindowRequest, deps: WindowRunDeps): Promise<WindowResult> => new WindowRun(request, deps).run();

export { runWindow, AccountBusyError };
export type { WindowRunDeps };
