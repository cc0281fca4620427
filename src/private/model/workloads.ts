/**
 * The workloads of a lane group's lanes, from the lane model: which service's baseline workload each lane forks
 * (its labels are the lane's `podLabels`, the same labels its subsets, ASM lanes and lane Services select), what
 * each fork changes, and the lanes that expire. Pure data: the objects are made by the LaneGroup, the manifests by
 * `render/workloads.ts`.
 */
import { GroupModel, laneHolds } from './group';
import { LaneGroupProps } from '../../lane-group-props';
import { LaneClock, WorkloadOverrides } from '../../workload';
import { checkDnsLabel, list, show } from '../validation/values';

/** The kinds of workload a lane forks, as `apiVersion kind`. */
export const WORKLOAD_KINDS = ['apps/v1 Deployment', 'apps/v1 StatefulSet', 'argoproj.io/v1alpha1 Rollout'];

/** One lane's fork of one service's baseline workload. */
export interface Fork {
  readonly service: string;
  readonly lane: string;
  /** the lane's pod labels: added to the fork's selector and pod template */
  readonly podLabels: { readonly [key: string]: string };
  /** the keys of the baseline lane's labels, taken off the fork's selector and pod template first */
  readonly baselineKeys: readonly string[];
  readonly overrides: WorkloadOverrides;
}

export interface WorkloadPlan {
  /** the baseline lane's pod labels: added to each baseline workload's pod template */
  readonly baselineLabels: { readonly [key: string]: string };
  /** the services that have a baseline workload */
  readonly services: readonly string[];
  readonly forks: readonly Fork[];
  /** the lanes that carry an expiry date: their last day, `YYYY-MM-DD` */
  readonly expiring: ReadonlyArray<{ readonly lane: string; readonly lastDay: string }>;
  readonly warnDays: number;
  readonly clock: LaneClock;
}

const DAY = 86_400_000;
/** a Kubernetes environment variable name (as the API server's validation takes it) */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * The forks and expiry dates of a group, checked: a lane forks each service it holds that has a baseline workload
 * (strict mode: every lane holds every service); the baseline lane forks nothing, its workloads are the services'.
 */
export function planWorkloads(group: GroupModel, props: LaneGroupProps): WorkloadPlan {
  const context = group.context;
  const services = props.services.filter(s => s.workload !== undefined).map(s => s.name);
  const baseline = group.lanes.find(l => l.name === group.baseline)!;
  const forks: Fork[] = [];
  const expiring: Array<{ lane: string; lastDay: string }> = [];
  props.lanes.forEach((given, i) => {
    const lane = group.lanes[i];
    const where = `${context}: lane ${show(lane.name)}`;
    const overrides = given.workloads ?? {};
    for (const [service, o] of Object.entries(overrides)) {
      if (lane.name === group.baseline) {
        throw new Error(`${where} workloads: the baseline lane forks nothing (its workloads are the services' own); change the service's workload instead`);
      }
      const index = group.services.findIndex(s => s.name === service);
      if (index < 0) throw new Error(`${where} workloads: ${show(service)} is not a service of the group (services: ${list(group.services.map(s => s.name))})`);
      if (!laneHolds(lane, service)) throw new Error(`${where} workloads: the lane does not hold ${show(service)} (it holds ${list(lane.services)}), so it has no fork of it`);
      if (!services.includes(service)) {
        throw new Error(`${where} workloads: service ${show(service)} has no baseline workload to fork; give services[${index}].workload (its Deployment, StatefulSet or Rollout)`);
      }
      checkOverrides(`${where} workloads.${service}`, o);
    }
    if (lane.name !== group.baseline) {
      for (const service of services.filter(s => laneHolds(lane, s))) {
        const baselineKeys = Object.keys(baseline.podLabels);
        forks.push({ service, lane: lane.name, podLabels: lane.podLabels, baselineKeys, overrides: overrides[service] ?? {} });
      }
    }
    if (given.expires !== undefined) {
      if (lane.name === group.baseline) {
        throw new Error(`${where} expires: the baseline lane serves every request no other lane takes, so it cannot expire; remove expires`);
      }
      if (!isDay(given.expires)) throw new Error(`${where} expires must be a date YYYY-MM-DD (the lane's last day, UTC), got ${show(given.expires)}`);
      expiring.push({ lane: lane.name, lastDay: given.expires });
    }
  });
  const warnDays = props.expiry?.warnDays ?? 7;
  if (!Number.isInteger(warnDays) || warnDays < 0 || warnDays > 3650) throw new Error(`${context}: expiry.warnDays must be an integer from 0 to 3650, got ${show(warnDays)}`);
  return { baselineLabels: baseline.podLabels, services, forks, expiring, warnDays, clock: props.expiry?.clock ?? LaneClock.system() };
}

function checkOverrides(where: string, o: WorkloadOverrides): void {
  // Stryker disable next-line ConditionalExpression: no image reads as the text "undefined", which has no space
  if (o.image !== undefined && !/^[^\s]+$/.test(o.image)) throw new Error(`${where}.image must be an image reference without spaces, such as "registry.example.com/mocka:2.1", got ${show(o.image)}`);
  for (const name of Object.keys(o.env ?? {})) {
    if (!ENV_NAME.test(name)) throw new Error(`${where}.env: ${show(name)} is not an environment variable name Kubernetes takes (letters, digits, '_', '-' and '.', not starting with a digit)`);
  }
  if (o.replicas !== undefined && (!Number.isInteger(o.replicas) || o.replicas < 0 || o.replicas > 2_147_483_647)) {
    throw new Error(`${where}.replicas must be a whole number from 0, got ${show(o.replicas)}`);
  }
  if (o.container !== undefined) checkDnsLabel(`${where}.container`, o.container);
}

/** True for a real calendar day written `YYYY-MM-DD`. */
function isDay(text: string): boolean {
  // without this test a month ("2026-12") would pass for its first day
  // Stryker disable next-line Regex: a date with text around it does not parse below (a number is tested as its text)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  // a day past the month's end parses as invalid, or (Feb 30) as another day
  const at = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(at) && new Date(at).toISOString().startsWith(text);
}

/**
 * The expired lanes (an Error at synth) and those within `warnDays` of their last day (a warning), by the clock:
 * a lane expires when its last day (UTC) is over.
 */
export function expiryFindings(context: string, plan: WorkloadPlan): { readonly errors: string[]; readonly warnings: string[] } {
  const now = plan.clock.now().getTime();
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const { lane, lastDay } of plan.expiring) {
    const end = Date.parse(`${lastDay}T00:00:00Z`) + DAY;
    const today = new Date(now).toISOString().slice(0, 10);
    if (now >= end) {
      errors.push(`${context}: lane ${show(lane)} expired: its last day was ${lastDay} (today is ${today}); remove the lane, or move its expires date`);
    } else if (now >= end - plan.warnDays * DAY) {
      const days = Math.ceil((end - now) / DAY);
      warnings.push(`${context}: lane ${show(lane)} expires after ${lastDay} (${days === 1 ? 'today is its last day' : `${days} days left`}); remove it when its work is merged, or move its expires date`);
    }
  }
  return { errors, warnings };
}
