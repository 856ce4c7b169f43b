/**
 * Fault picking: which injected fault, if any, a request meets. A rule matches by method and path, lets
 * `after` matching requests through, then faults the next `times` of them; the first rule with faults
 * left wins, and every matching rule counts the request.
 */
import type { Fault, FaultKind, FaultRule, RequestHead } from './types.js';

interface ActiveRule {
  readonly rule: FaultRule;
  readonly times: number;
  readonly after: number;
  seen: number;
  fired: number;
}

/** What a 'malformed' fault sends: a 200 whose JSON stops half-way, as a cut connection would leave it. */
const MALFORMED_BODY = '{"items":[{"id":"1000248","name":"Black Fri';

function checkRule(rule: FaultRule): ActiveRule {
  const times = rule.times ?? 1;
  const after = rule.after ?? 0;
  if (!(times >= 1)) throw new RangeError(`fault rule times must be >= 1, got ${times}`);
  if (!(after >= 0) || !Number.isFinite(after)) throw new RangeError(`fault rule after must be >= 0, got ${after}`);
  if ('kind' in rule.fault && rule.fault.kind === 'delay' && !(rule.fault.ms >= 0)) {
    throw new RangeError(`delay fault needs ms >= 0, got ${rule.fault.ms}`);
  }
  return { rule, times, after, seen: 0, fired: 0 };
}

function ruleMatches(rule: FaultRule, head: RequestHead): boolean {
  if (rule.method !== undefined && rule.method.toUpperCase() !== head.method.toUpperCase()) return false;
  if (rule.path === undefined) return true;
  if (typeof rule.path === 'string') return rule.path === head.pathname;
  rule.path.lastIndex = 0; // a /g pattern keeps state between tests
  return rule.path.test(head.pathname);
}

/** Counts the request against every matching rule; the first rule with faults left applies. */
function pickFault(rules: readonly ActiveRule[], head: RequestHead): Fault | undefined {
  let chosen: Fault | undefined;
  for (const active of rules) {
    if (!ruleMatches(active.rule, head)) continue;
    active.seen += 1;
    if (chosen !== undefined || active.seen <= active.after || active.fired >= active.times) continue;
    active.fired += 1;
    chosen = active.rule.fault;
  }
  return chosen;
}

function faultKind(fault: Fault): FaultKind {
  return 'kind' in fault ? fault.kind : 'status';
}

export { checkRule, faultKind, pickFault, MALFORMED_BODY };
export type { ActiveRule };
