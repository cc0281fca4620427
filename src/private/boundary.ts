/**
 * The shape check at the public boundary: every prop of every construct, and every argument of the public
 * methods, checked for its type, its required fields and unknown keys before anything else reads it, so a
 * JavaScript caller or config loaded from JSON or YAML gets an error naming the path
 * (`rules[0].split[1].weight`), the value and what is allowed, never a TypeError or a silent drop. The
 * lane model (model/) then checks what the values mean, with its own messages.
 *
 * The shapes are zod schemas mirroring the jsii interfaces; a test compares their keys with the jsii
 * assembly, so a prop added to an interface and forgotten here fails the build.
 */
import { Duration } from 'cdk8s';
import { z } from 'zod';
import { brief, RESERVED_KEYS, show } from './checks';
import { DiagramFormat } from '../diagram-format';
import { HeaderMatch, QueryParamMatch, StringMatch } from '../match';
import { Mode } from '../mode';
import { Propagation } from '../propagation';
import { RoutePlacement } from '../route';
import { Target } from '../target';

/** Upper bounds on list sizes: far above any real mesh, low enough that a runaway input fails fast. */
export const MAX_LIST = 1_000;

/** An object whose keys are exactly `shape`'s: an unknown key is an error that lists the known ones. */
function strict<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: iss => (iss.code === 'unrecognized_keys' ? `has unknown ${iss.keys.length > 1 ? 'properties' : 'property'} ${iss.keys.map(k => show(k)).join(', ')} (known: ${known})` : undefined),
  });
}

const text = z.string();
const list = <T extends z.ZodType>(item: T) => z.array(item).max(MAX_LIST);
const stringMap = z.record(z.string(), z.string());
const num = z.number();
const made = <T>(cls: { prototype: T }, how: string) => madeLater(() => cls, how);
/** The same, with the class looked up when a value is checked (propagation.ts and this module import each other). */
const madeLater = <T>(cls: () => { prototype: T }, how: string) => z.custom<T>(v => v instanceof (cls() as unknown as Function), { error: `must be made with ${how}` });

const stringMatch = made(StringMatch, 'StringMatch.exact(), .prefix() or .regex()');
const requestMatch = strict({
  headers: list(made(HeaderMatch, 'HeaderMatch.exact(), .prefix(), .regex(), .present() or .absent()')).optional(),
  uri: stringMatch.optional(),
  authority: stringMatch.optional(),
  method: stringMatch.optional(),
  queryParams: list(made(QueryParamMatch, 'QueryParamMatch.exact() or .regex()')).optional(),
  sourceLabels: stringMap.optional(),
});
const duration = made(Duration, 'Duration.seconds(), .millis() or another cdk8s Duration factory');
const retryPolicy = strict({ attempts: num, perTryTimeout: duration.optional(), retryOn: text.optional() });
const routeOptionsShape = { timeout: duration.optional(), retries: retryPolicy.optional() };
const routeOptions = strict(routeOptionsShape);
const customDestination = strict({ host: text, subset: text.optional(), port: num.optional(), weight: num.optional() });
const customRoute = strict({ ...routeOptionsShape, name: text, matches: list(requestMatch), destinations: list(customDestination) });
const laneDestination = strict({ lane: text, weight: num.optional(), fallbackLane: text.optional() });
const laneRule = strict({ name: text, matches: list(requestMatch), split: list(laneDestination) });
const lane = strict({ name: text, podLabels: stringMap.optional(), servedBy: text.optional(), serviceName: text.optional() });
const laneServicePort = strict({ port: num, targetPort: num.optional(), name: text.optional() });
const laneServices = strict({ selector: stringMap, ports: list(laneServicePort) });
const gatewayEntryPoint = strict({ gateways: list(text), hosts: list(text).optional(), namespace: text.optional(), name: text.optional() });
const sidecarEntryPoint = strict({ hosts: list(text).optional(), namespace: text.optional(), name: text.optional() });
const destinationRuleOptions = strict({ namespace: text.optional(), name: text.optional() });
const laneGroupService = strict({ name: text, namespace: text, port: num.optional(), laneServices: laneServices.optional() });
const laneGroupLane = strict({ name: text, services: list(text), podLabels: stringMap });
const laneGroupIngress = strict({
  gateway: text,
  entryService: text,
  rules: list(laneRule).optional(),
  hosts: list(text).optional(),
  namespace: text.optional(),
  name: text.optional(),
  defaultRouteName: text.optional(),
});
const yamlSource = strict({ name: text, yaml: text });
const target = z.enum(Target);
const mode = z.enum(Mode);

/**
 * The shape of every struct of the public API, by its name in the jsii assembly (a test checks that each
 * has exactly the assembly's properties), and of the other arguments the public methods take.
 */
export const SHAPES = {
  LaneRoutingProps: strict({
    host: text,
    port: num.optional(),
    lanes: list(lane),
    baseline: text,
    target,
    mode: mode.optional(),
    routingHeader: text.optional(),
    laneServices: laneServices.optional(),
    propagation: madeLater(() => Propagation, 'Propagation.traceId(), .customHeader() or .baggage()').optional(),
    rules: list(laneRule).optional(),
    defaultRouteName: text.optional(),
    routeOptions: routeOptions.optional(),
    routesBefore: list(customRoute).optional(),
    routesAfter: list(customRoute).optional(),
    gateway: gatewayEntryPoint.optional(),
    sidecar: sidecarEntryPoint.optional(),
    destinationRule: destinationRuleOptions.optional(),
  }),
  LaneGroupProps: strict({
    name: text,
    target,
    services: list(laneGroupService),
    lanes: list(laneGroupLane),
    baseline: text,
    mode: mode.optional(),
    routingHeader: text.optional(),
    propagation: madeLater(() => Propagation, 'Propagation.traceId(), .customHeader() or .baggage()').optional(),
    traceHeader: text.optional(),
    clusterDomain: text.optional(),
    asmGeneratedNamespace: text.optional(),
    ingress: laneGroupIngress.optional(),
    routeOptions: routeOptions.optional(),
  }),
  Lane: lane,
  LaneDestination: laneDestination,
  LaneRule: laneRule,
  RequestMatch: requestMatch,
  RouteOptions: routeOptions,
  RetryPolicy: retryPolicy,
  CustomDestination: customDestination,
  CustomRoute: customRoute,
  GatewayEntryPoint: gatewayEntryPoint,
  SidecarEntryPoint: sidecarEntryPoint,
  DestinationRuleOptions: destinationRuleOptions,
  LaneGroupService: laneGroupService,
  LaneGroupLane: laneGroupLane,
  LaneGroupIngress: laneGroupIngress,
  SimulatedRequest: strict({
    headers: stringMap.optional(),
    multiValueHeaders: z.record(z.string(), list(text)).optional(),
    path: text.optional(),
    method: text.optional(),
  }),
  SimulationOptions: strict({
    unhealthyLanes: list(text).optional(),
    routingHeader: text.optional(),
    baggageKey: text.optional(),
    gateway: text.optional(),
    host: text.optional(),
  }),
  MeshReadOptions: strict({ clusterDomain: text.optional(), asmGeneratedNamespace: text.optional() }),
  DiffOptions: strict({ chain: list(text).optional() }),
  LaneServices: laneServices,
  LaneServicePort: laneServicePort,
  BaggageOptions: strict({ key: text.optional() }),
  DiagramOptions: strict({
    host: text.optional(),
    lane: text.optional(),
    chain: list(text).min(1).optional(),
    baggageKey: text.optional(),
    routingHeader: text.optional(),
    format: z.enum(DiagramFormat).optional(),
  }),
  YamlSource: yamlSource,
  // arguments that are not structs
  RoutePlacement: z.enum(RoutePlacement),
  YamlSources: z.array(yamlSource),
  Services: list(text).min(1),
  Text: text,
};

/** `rules[0].split[1].weight` */
function pathOf(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${brief(String(p))}`)).join('');
}

function valueAt(value: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v: any = value;
  for (const p of path) v = v === null || v === undefined ? undefined : v[p as any];
  return v;
}

/** The first own reserved key (`__proto__`, `constructor`) anywhere in `value` (cycles stop the walk), as a path. */
function reservedKeyPath(value: unknown, path: PropertyKey[] = [], seen = new Set<unknown>()): PropertyKey[] | undefined {
  if (value === null || typeof value !== 'object' || seen.has(value)) return undefined;
  seen.add(value);
  const reserved = RESERVED_KEYS.find(k => Object.prototype.hasOwnProperty.call(value, k));
  if (reserved) return [...path, reserved];
  for (const [k, v] of Object.entries(value)) {
    const found = reservedKeyPath(v, [...path, Array.isArray(value) ? Number(k) : k], seen);
    if (found) return found;
  }
  return undefined;
}

/**
 * Checks `value` against a shape; throws `${context}: ${what}${path} …, got …` for the first problem.
 * `what` names the argument (`props`, `rule`, ...), so the path reads `props.rules[0].name`.
 */
export function checkShape(context: string, what: string, shape: z.ZodType, value: unknown): void {
  const reserved = reservedKeyPath(value);
  if (reserved) {
    const at = reserved.length > 1 ? `.${pathOf(reserved.slice(0, -1))}`.replace('.[', '[') : '';
    throw new Error(`${context}: ${what}${at} has the key ${show(reserved[reserved.length - 1])}, which is reserved in JavaScript objects and cannot be a key of the rendered YAML; choose another name`);
  }
  const result = shape.safeParse(value);
  if (result.success) return;
  const issue = result.error.issues[0];
  const at = pathOf(issue.path);
  const where = `${what}${at ? (at.startsWith('[') ? at : `.${at}`) : ''}`;
  const got = valueAt(value, issue.path);
  let problem: string;
  switch (issue.code) {
    case 'invalid_type':
      problem = got === undefined ? `is required (${issue.expected === 'custom' ? issue.message : `a ${issue.expected}`})` : issue.expected === 'custom' || /^must /.test(issue.message) ? issue.message : `must be ${issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}`;
      break;
    case 'unrecognized_keys':
      problem = issue.message;
      break;
    case 'invalid_value':
      problem = `must be one of ${issue.values.map(v => show(v)).join(', ')}`;
      break;
    case 'too_big':
      problem = `has ${Array.isArray(got) ? got.length : '?'} entries; at most ${issue.maximum} are allowed`;
      break;
    case 'too_small':
      problem = `needs at least ${issue.minimum} ${issue.minimum === 1 ? 'entry' : 'entries'}`;
      break;
    default:
      problem = issue.message;
  }
  const shown = ['unrecognized_keys', 'too_big', 'too_small'].includes(issue.code) || got === undefined ? '' : `, got ${show(got)}`;
  throw new Error(`${context}: ${where} ${problem}${shown}`);
}

/** etcd's default limit on one object (`--max-request-bytes`, 1.5 MiB): the API server refuses larger ones. */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;
/** Client-side `kubectl apply` keeps the whole object in an annotation, which is capped at 256 KiB. */
export const WARN_OBJECT_BYTES = 256 * 1024;

const WARNED = new Set<string>();

/**
 * Checks the size of a rendered spec (its JSON) before it is synthesized: over MAX_OBJECT_BYTES an error,
 * over WARN_OBJECT_BYTES a warning on stderr. Returns the spec.
 */
export function sizeChecked<T>(context: string, what: string, spec: T): T {
  const bytes = Buffer.byteLength(JSON.stringify(spec) ?? '', 'utf8');
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MiB`;
  if (bytes > MAX_OBJECT_BYTES) {
    throw new Error(`${context}: the ${what} is ${mib(bytes)} of JSON, above the ${mib(MAX_OBJECT_BYTES)} the API server accepts for one object (etcd's limit); shorten the match values or split the routing`);
  }
  if (bytes > WARN_OBJECT_BYTES && !WARNED.has(`${context}/${what}`)) {
    WARNED.add(`${context}/${what}`);
    process.emitWarning(`${context}: the ${what} is ${(bytes / 1024).toFixed(0)} KiB of JSON; client-side \`kubectl apply\` cannot store an object over 256 KiB in its last-applied annotation (use server-side apply)`, { code: 'CDK8S_LANES_SIZE' });
  }
  return spec;
}
