/**
 * The lane marker: how a request says which lane it is in, and how that survives a call chain (one of ASM's
 * three propagation scenarios). A plain routing header (`x-asm-prefer-tag: s2`) set by every destination, or,
 * with baggage on upstream Istio, an entry of the W3C `baggage` header (`lane=s2`) that the ingress adds and
 * the sidecars match in place. Lane rules, rendering and the simulation's lane marker all ask this module.
 */
import type { EntryPoint, PropagationModel } from './types';
import { HeaderMatch } from '../../match';
import { Mode } from '../../mode';
import { Propagation, PropagationKind } from '../../propagation';
import { Target } from '../../target';
import { checkHeaderName, quoteMeta, show } from '../validation/values';

export const BAGGAGE_HEADER = 'baggage';
export const DEFAULT_BAGGAGE_KEY = 'lane';
/**
 * A W3C baggage key is an RFC 7230 token, kept to 64 characters: with a lane name (a DNS-1123 label, at most 63
 * characters), every baggage pattern stays far under the 1,024 characters of a regex Istio accepts (its
 * `validateStringRegexp`); a test checks the longest.
 */
const BAGGAGE_KEY = /^[!#$%&'*+\-.^_|~0-9A-Za-z]{1,64}$/;

/** What the propagation settles from (a lane routing, or a lane group with its deprecated traceHeader). */
export interface PropagationInput {
  readonly target: Target;
  readonly mode: Mode;
  readonly routingHeader: string;
  /** the routing header as given (undefined: the default) */
  readonly routingHeaderGiven: boolean;
  readonly propagation?: Propagation;
  /** LaneGroupProps.traceHeader (deprecated) */
  readonly traceHeader?: string;
  /** true for a lane group (ASM's scenarios 1 and 3 need the group's lane resources) */
  readonly group: boolean;
}

/** The propagation, checked against the target and mode. */
export function normalizePropagation(context: string, input: PropagationInput): PropagationModel | undefined {
  const { target, mode, routingHeader } = input;
  let p = input.propagation;
  if (input.traceHeader !== undefined) {
    checkHeaderName(`${context}: traceHeader`, input.traceHeader);
    if (p !== undefined) throw new Error(`${context}: traceHeader is the deprecated form of propagation; give propagation only`);
    if (target !== Target.ASM) {
      throw new Error(`${context}: traceHeader ${show(input.traceHeader)} is an ASM setting (ASM re-attaches the routing header along the trace); upstream Istio has no such machinery, so every application must propagate the routing header itself; use target: Target.ASM or remove traceHeader`);
    }
    const t = input.traceHeader.toLowerCase();
    if (t === BAGGAGE_HEADER) p = Propagation.baggage();
    else p = t === routingHeader.toLowerCase() ? Propagation.customHeader() : Propagation.traceId(input.traceHeader);
  }
  if (mode !== Mode.PERMISSIVE) {
    if (p !== undefined) {
      const what = input.traceHeader !== undefined ? `traceHeader ${show(input.traceHeader)}` : `propagation ${show(p.kind)}`;
      throw new Error(`${context}: ${what} applies to permissive lanes only (strict lanes follow the caller's pod labels, not a header); remove it or use Mode.PERMISSIVE`);
    }
    return undefined;
  }
  p ??= Propagation.customHeader();
  if (routingHeader.toLowerCase() === BAGGAGE_HEADER && p.kind !== PropagationKind.BAGGAGE) {
    throw new Error(`${context}: routingHeader "baggage": every destination would replace the W3C baggage list with the lane name; to carry the lane in baggage use propagation: Propagation.baggage(), or choose another routing header`);
  }
  switch (p.kind) {
    case PropagationKind.CUSTOM_HEADER:
      return { kind: p.kind, forwarded: routingHeader };
    case PropagationKind.TRACE_ID: {
      const header = p.traceHeader!;
      checkHeaderName(`${context}: propagation traceId header`, header);
      if (SHARED_REQUEST_HEADERS.includes(header)) {
        throw new Error(`${context}: Propagation.traceId(${show(header)}): ${show(header)} is the same on many requests, so it cannot tell one request's trace from another's; `
          + 'give a header unique per request, such as "x-request-id" or "traceparent"');
      }
      if (target !== Target.ASM) {
        const mesh = target === Target.GATEWAY_API ? 'the Gateway API' : 'upstream Istio';
        throw new Error(`${context}: Propagation.traceId(${show(header)}) relies on ASM re-attaching the routing header along the trace; ${mesh} has no such machinery: use Propagation.customHeader() (the services forward the routing header) or Propagation.baggage()`);
      }
      if (!input.group) {
        throw new Error(`${context}: Propagation.traceId(${show(header)}) needs ASM's lane resources, which a LaneGroup renders; use a LaneGroup with Target.ASM, or Propagation.customHeader()`);
      }
      if (header.toLowerCase() === routingHeader.toLowerCase()) {
        throw new Error(`${context}: Propagation.traceId(${show(header)}) names the routing header; a trace id differs per request, and a routing header the services forward is Propagation.customHeader()`);
      }
      if (header.toLowerCase() === BAGGAGE_HEADER) throw new Error(`${context}: Propagation.traceId("baggage"): the baggage header is Propagation.baggage()`);
      return { kind: p.kind, forwarded: header.toLowerCase() };
    }
    case PropagationKind.BAGGAGE: {
      if (target === Target.ASM) {
        if (routingHeader.toLowerCase() === BAGGAGE_HEADER) {
          throw new Error(`${context}: routingHeader "baggage": with Propagation.baggage() on ASM the routing header stays a plain header (ASM's routeHeader cannot be baggage), e.g. "x-asm-prefer-tag"`);
        }
        if (p.baggageKey !== undefined) {
          throw new Error(`${context}: Propagation.baggage({ key: ${show(p.baggageKey)} }): on Target.ASM the lane stays in the routing header, which ASMHeaderPropagation carries in the baggage context; the key is for Target.ISTIO and Target.GATEWAY_API`);
        }
        if (!input.group) {
          throw new Error(`${context}: Propagation.baggage() on Target.ASM needs the ASMHeaderPropagation a LaneGroup renders; use a LaneGroup, or Propagation.customHeader()`);
        }
        return { kind: p.kind, forwarded: BAGGAGE_HEADER };
      }
      const key = p.baggageKey ?? DEFAULT_BAGGAGE_KEY;
      if (typeof key !== 'string' || !isBaggageKey(key)) {
        throw new Error(`${context}: Propagation.baggage() key ${show(key)} is not a W3C baggage key: 1 to 64 letters, digits or !#$%&'*+-.^_|~`);
      }
      if (input.routingHeaderGiven) {
        throw new Error(`${context}: routingHeader ${show(routingHeader)} is not used with Propagation.baggage() on Target.${target} (the lane is the baggage entry ${key}=<lane>); remove it`);
      }
      return { kind: p.kind, forwarded: BAGGAGE_HEADER, baggageKey: key };
    }
    default:
      throw new Error(`${context}: propagation must be made with Propagation.traceId(), .customHeader() or .baggage(), got ${show(p)}`);
  }
}


/**
 * Well-known request headers whose value many requests share (RFC 9110 and the proxies' own): none is a trace id. A
 * trace id is unique per request (`x-request-id`, `traceparent`, `x-b3-traceid`).
 */
const SHARED_REQUEST_HEADERS = [
  'host', 'accept', 'accept-charset', 'accept-encoding', 'accept-language', 'authorization', 'cache-control', 'connection', 'content-encoding',
  'content-length', 'content-type', 'cookie', 'date', 'expect', 'forwarded', 'from', 'if-match', 'if-modified-since', 'if-none-match',
  'if-range', 'if-unmodified-since', 'max-forwards', 'origin', 'pragma', 'proxy-authorization', 'range', 'referer', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'user-agent', 'via', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port',
  'x-real-ip',
];

/**
 * A pattern that matches a whole `baggage` header value (Envoy's regex match is a full match; repeated
 * headers are joined by ",") exactly when one of its entries is `key=value`: entries separated by commas,
 * optional whitespace around entries and around `=`, properties after `;`. `xlane=s2` and `lane=s20` do not
 * match.
 */
export function baggageEntryPattern(key: string, value: string): string {
  const ows = '[ \\t]*';
  return `(?:.*,)?${ows}${quoteMeta(key)}${ows}=${ows}${quoteMeta(value)}${ows}(?:;[^,]*)?(?:,.*)?`;
}

/**
 * Refuses a lane rule on a sidecar VirtualService when the lane is in baggage: sidecars only match lane entries
 * (they never add one), so a rule there would put requests into a lane that the next service does not see.
 */
export function checkRuleOnSidecar(context: string, p: PropagationModel | undefined, hasSidecar: boolean, rule: string, target: Target): void {
  if (!inBaggage(p) || !hasSidecar) return;
  const mesh = target === Target.GATEWAY_API ? 'the mesh HTTPRoute' : 'the sidecar VirtualService';
  throw new Error(`${context}: rule ${show(rule)}: with Propagation.baggage() on Target.${target} ${mesh} only matches lane entries (it adds none), so this rule would put requests into a lane the next service does not see; put lane rules on a LaneRouting with only a gateway entry point`);
}

/** The key and the value of a pattern made by `baggageEntryPattern`; undefined for any other pattern. */
export function parseBaggageEntryPattern(pattern: string): { key: string; value: string } | undefined {
  const [before, after] = baggageEntryPattern('\u0000', '\u0001').split('\u0000');
  const [middle, end] = after.split('\u0001');
  // Stryker disable next-line ConditionalExpression,LogicalOperator: a shortcut only; the final comparison with the pattern built again refuses the same
  if (!pattern.startsWith(before) || !pattern.endsWith(end)) return undefined;
  const inner = pattern.slice(before.length, pattern.length - end.length);
  const at = inner.indexOf(middle);
  // Stryker disable next-line ConditionalExpression: a shortcut only; without `middle` the final comparison fails as well
  if (at < 0) return undefined;
  const unquote = (s: string) => s.replace(/\\(.)/g, '$1');
  const key = unquote(inner.slice(0, at));
  const value = unquote(inner.slice(at + middle.length));
  return baggageEntryPattern(key, value) === pattern ? { key, value } : undefined;
}

/** A baggage key as W3C allows it (and as `Propagation.baggage()` takes it). */
export function isBaggageKey(key: string): boolean {
  return BAGGAGE_KEY.test(key);
}

/** True when the lane is an entry of the baggage header (baggage on Target.ISTIO or Target.GATEWAY_API). */
export function inBaggage(p: PropagationModel | undefined): p is PropagationModel & { baggageKey: string } {
  return p?.kind === PropagationKind.BAGGAGE && p.baggageKey !== undefined;
}

/** The match of the requests already in `lane`: the routing header, or the lane's baggage entry. */
export function laneMarkerMatch(p: PropagationModel | undefined, routingHeader: string, lane: string): HeaderMatch {
  return inBaggage(p) ? HeaderMatch.regex(BAGGAGE_HEADER, baggageEntryPattern(p.baggageKey, lane)) : HeaderMatch.exact(routingHeader, lane);
}

/**
 * The headers a destination in `lane` sets or adds (permissive mode): the routing header, set at every entry
 * point; or, with the lane in baggage, its entry added at the gateway (`add` keeps the client's entries) by the
 * rules that put a request into a lane, and nothing on the sidecars, which only match.
 */
export function laneMarkerHeaders(
  p: PropagationModel | undefined, routingHeader: string, lane: string, where: EntryPoint, marks: boolean,
): { set?: { [name: string]: string }; add?: { [name: string]: string } } | undefined {
  if (p === undefined) return undefined; // strict: subsets only
  if (!inBaggage(p)) return { set: { [routingHeader]: lane } };
  return where === 'gateway' && marks ? { add: { [BAGGAGE_HEADER]: `${p.baggageKey}=${lane}` } } : undefined;
}

/** The simulation options that report this lane marker: the routing header, or the baggage key. */
export function markerOptions(
  settings: { readonly routingHeader: string; readonly propagation?: PropagationModel },
): { routingHeader?: string; baggageKey?: string } {
  return inBaggage(settings.propagation) ? { baggageKey: settings.propagation.baggageKey } : { routingHeader: settings.routingHeader };
}
