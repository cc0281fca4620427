/**
 * Istio's value checks of a VirtualService whose fields have the right types (its `ValidateVirtualService`,
 * `validateHTTPRoute` and their helpers in istio/istio 1.30.3 pkg/config/validation), each error as
 * `path: Istio's message`:
 * - hosts (DNS names, a leading wildcard label, IP addresses), gateway names, `exportTo`, a delegate's limits;
 * (A null where a mapping belongs is a type error, reported instead of these.)
 * - HTTP rules: route, redirect and direct response that exclude each other, a root that only delegates, mirror and
 *   mirrors, header names in matches and header operations, header values, string matches (an empty prefix, a regex
 *   RE2 refuses or longer than 1,024 characters), ports, source namespaces, durations, retries, fault percentages and
 *   statuses, mirror percentages, JWT claims routed on the mesh;
 * - destinations: host, subset name, port, weight;
 * - the authority of an HTTP rule rewritten in one place at most (`rewrite.authority`, the rule's request headers);
 * - TCP and TLS rules: a route, and for TLS a match with SNI hosts within the VirtualService's hosts.
 * Not checked: the syntax of Envoy's `%VARIABLE%` in header values, CORS, other redirect and rewrite details, label syntax.
 */
import { isClaimHeader } from './jwt-claim-route';
import { isRetryOnPolicy } from '../../../model/routes';
import { compileRe2 } from '../../../validation/values';
import { hostsMatch, hostSubsetOf } from '../../istio/hosts';
import { Resource } from '../../istio/resources';
import { dnsLabelsError, durationError, GRPC_STATUS, isIp, isIstioLabel, portError, wildcardDomainError } from '../../istio/values';

type Out = (at: string, message: string) => void;
type Obj = { readonly [k: string]: unknown };

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~A-Za-z0-9]+$/;
const PSEUDO_HEADERS = [':method', ':scheme', ':authority', ':path', ':status'];
// eslint-disable-next-line no-control-regex
const HEADER_VALUE_CONTROL = /[\u0000-\u0008\u000A-\u001F\u007F]/;

/**
 * `validateGatewayNames`: `namespace/name`, each a DNS label; a name without `/` (such as `mesh`, or a legacy
 * `name.namespace`) must be a domain, and, as in Istio, ends the check of the list.
 */
function gatewayNames(r: Resource, names: unknown, at: string, out: Out): void {
  for (const [i, g] of r.strings(names).entries()) {
    const slash = g.indexOf('/');
    if (slash < 0) {
      const e = g.length > 255 ? `domain name "${g}" too long (max 255)` : g === '' ? 'empty domain name not allowed' : dnsLabelsError(g);
      if (e !== undefined) out(`${at}[${i}]`, e);
      return;
    }
    const [ns, name] = [g.slice(0, slash), g.slice(slash + 1)];
    if (ns === '' || name === '') out(`${at}[${i}]`, 'config namespace and gateway name cannot be empty');
    if (!isIstioLabel(ns)) out(`${at}[${i}]`, `invalid value for namespace: "${ns}"`);
    if (!isIstioLabel(name)) out(`${at}[${i}]`, `invalid value for gateway name: "${name}"`);
  }
}

/**
 * `validateStringMatch` (an empty prefix, a bad regex); `regexOnly` for the URI, which may have an empty prefix. Of
 * several kinds, the match is of the last in the proto's order (exact, prefix, regex): Istio's parser, golang/protobuf's
 * jsonpb, sets the oneof's fields in that order, each replacing the one before.
 */
function stringMatch(r: Resource, m: unknown, at: string, out: Out, regexOnly = false): void {
  const sm = r.map(m);
  if (!regexOnly && sm.prefix === '' && sm.regex === undefined) out(at, 'prefix string match should not be empty');
  if (typeof sm.regex !== 'string') return;
  if (sm.regex === '') return out(at, 'regex string match should not be empty');
  if (sm.regex.length > 1024) return out(at, 'regex is too large, max length allowed is 1024');
  try {
    compileRe2(sm.regex);
  } catch (e) {
    out(at, `${(e as Error).message}; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)`);
  }
}

function headerName(name: string, at: string, out: Out): void {
  if (name === '') out(at, 'header name cannot be empty');
  else if (!isClaimHeader(name) && !PSEUDO_HEADERS.includes(name) && !HEADER_NAME.test(name)) out(at, `header name ${name} is not a valid header name`);
}

function matchErrors(r: Resource, rule: Obj, at: string, mesh: boolean, out: Out): void {
  r.list(rule.match).forEach((mv, j) => {
    const m = r.map(mv);
    const here = `${at}.match[${j}]`;
    for (const field of ['headers', 'withoutHeaders'] as const) {
      for (const [name, v] of Object.entries(r.map(m[field]))) {
        const where = `${here}.${field}.${name}`;
        headerName(name, where, out);
        // Istio prints the gateways as Go prints a list
        if (mesh && isClaimHeader(name)) {
          out(where, `JWT claim based routing (key: ${name}) is only supported for gateway, found no gateways: [${r.strings(r.spec.gateways).join(' ')}]`);
        }
        // `*` as an absent header's regex is a presence match, no regex
        if (!(field === 'withoutHeaders' && r.map(v).regex === '*')) stringMatch(r, v, where, out);
      }
    }
    stringMatch(r, m.uri, `${here}.uri`, out, true);
    for (const field of ['scheme', 'method', 'authority'] as const) stringMatch(r, m[field], `${here}.${field}`, out);
    for (const [name, v] of Object.entries(r.map(m.queryParams))) stringMatch(r, v, `${here}.queryParams.${name}`, out);
    if (m.port !== undefined && m.port !== 0) {
      const e = portError(m.port as number);
      if (e) out(`${here}.port`, e);
    }
    const source = r.str(m.sourceNamespace);
    if (source !== '' && !isIstioLabel(source)) out(`${here}.sourceNamespace`, `sourceNamespace match ${source} is invalid`);
    gatewayNames(r, m.gateways, `${here}.gateways`, out);
  });
}

/**
 * Header operations (`headers.request` and `.response`: set, add, remove) and their values. A request header set or
 * added may be the authority (`:authority`, `host`); any other name is no pseudo-header, and `host` is not removed
 * nor set on a response.
 */
function headerOperations(r: Resource, headers: unknown, at: string, out: Out): void {
  // most rules and destinations set no header, or only request headers: what is absent is not walked
  // Stryker disable next-line ConditionalExpression,BlockStatement: an absent field has no operations, so walking it finds nothing (only slower)
  if (headers === undefined) return;
  const h = r.map(headers);
  for (const side of SIDES) {
    // Stryker disable next-line ConditionalExpression,BlockStatement: as above
    if (h[side] === undefined) continue;
    const ops = r.map(h[side]);
    for (const op of OPERATIONS) {
      const values = r.map(ops[op]);
      for (const name of op === 'remove' ? r.strings(ops.remove) : Object.keys(values)) {
        const lower = name.toLowerCase();
        const problem = name === '' ? 'header name cannot be empty'
          : side === 'request' && op !== 'remove' ? (name.startsWith(':') && lower !== ':authority' ? 'header cannot have ":" prefix' : undefined)
            : lower === 'host' ? 'cannot set Host header'
              : name.startsWith(':') ? 'header cannot have ":" prefix' : undefined;
        if (problem !== undefined) out(`${at}.${side}.${op}`, name === '' ? problem : `invalid header "${name}": ${problem}`);
        // `remove` lists names, so it has no values
        const value = r.str(values[name]);
        if (HEADER_VALUE_CONTROL.test(value)) out(`${at}.${side}.${op}.${name}`, `header value configuration ${value} is invalid`);
      }
    }
  }
}
const SIDES = ['request', 'response'] as const;
const OPERATIONS = ['set', 'add', 'remove'] as const;

/** `validateDestination`. */
function destinationErrors(r: Resource, d: unknown, at: string, out: Out): void {
  if (d === undefined) return;
  const dest = r.map(d);
  const host = r.str(dest.host);
  const e = host === '*' ? 'invalid destination host *' : wildcardDomainError(host);
  if (e !== undefined) out(`${at}.host`, e);
  const subset = r.str(dest.subset);
  if (subset !== '' && !isIstioLabel(subset)) out(`${at}.subset`, `subset name is invalid: ${subset}`);
  if (dest.port !== undefined) {
    const pe = portError(r.map(dest.port).number ?? 0);
    if (pe) out(`${at}.port`, pe);
  }
}

/** `validateHTTPRouteDestinations` / `validateRouteDestinations`. */
function routeDestinations(r: Resource, routes: unknown, at: string, http: boolean, out: Out): void {
  let total = 0;
  const list = r.list(routes);
  list.forEach((rv, j) => {
    const route = r.map(rv);
    if (route.destination === undefined) out(`${at}.route[${j}]`, 'destination is required');
    if (http) headerOperations(r, route.headers, `${at}.route[${j}].headers`, out);
    destinationErrors(r, route.destination, `${at}.route[${j}].destination`, out);
    const weight = typeof route.weight === 'number' ? route.weight : 0;
    if (weight < 0) out(`${at}.route[${j}].weight`, `weight ${weight} < 0`);
    // Stryker disable next-line AssignmentOperator: the sum of the weights is 0 exactly when its opposite is
    total += weight;
  });
  if (list.length > 1 && total === 0) out(`${at}.route`, 'total destination weight = 0');
}

function percentage(r: Resource, p: unknown, at: string, out: Out, what: string): void {
  // a number, or undefined when absent (which no comparison holds)
  const value = r.map(p).value as number;
  if (value > 100) out(at, `${what} must have a max value of 100 (it has ${value})`);
  if (value < 0) out(at, `${what} must have a min value of 0 (it has ${value})`);
}

function faultErrors(r: Resource, fault: unknown, at: string, out: Out): void {
  if (fault === undefined) return;
  const f = r.map(fault);
  if (f.abort === undefined && f.delay === undefined) out(at, 'HTTP fault injection must have an abort and/or a delay');
  const faultPercentage = (kind: 'abort' | 'delay') => {
    // a number, or undefined when absent (which no comparison holds)
    const p = r.map(r.map(f[kind]).percentage).value as number;
    if (p < 0 || p > 100 || (p > 0 && p < 0.0001)) out(`${at}.${kind}.percentage`, `percentage ${p} is neither 0.0, nor in range [0.0001, 100.0]`);
  };
  // validateHTTPFaultInjectionAbort. Its oneof error_type holds the last of httpStatus, grpcStatus and http2Error
  // present: Istio's parser (golang/protobuf's jsonpb) sets them in that order, each replacing the one before.
  const abort = r.map(f.abort);
  faultPercentage('abort');
  // validateHTTPStatus: 200..600, whatever its message says
  const status = abort.httpStatus as number;
  if (abort.http2Error !== undefined && abort.http2Error !== null) {
    out(`${at}.abort`, 'HTTP/2 abort fault injection not supported yet');
  } else if (typeof abort.grpcStatus === 'string') {
    if (!GRPC_STATUS.includes(abort.grpcStatus)) {
      out(`${at}.abort.grpcStatus`, `gRPC status "${abort.grpcStatus}" is not supported. See https://github.com/grpc/grpc/blob/master/doc/statuscodes.md for a list of supported codes, for example 'NOT_FOUND'`);
    }
  } else if (status < 200 || status > 600) {
    out(`${at}.abort.httpStatus`, `HTTP status ${status} is not in range 200-599`);
  }
  // validateHTTPFaultInjectionDelay, whose oneof holds exponentialDelay when present, else fixedDelay
  const delay = r.map(f.delay);
  faultPercentage('delay');
  const field = delay.exponentialDelay !== undefined ? 'exponentialDelay' : 'fixedDelay';
  const e = typeof delay[field] === 'string' ? durationError(delay[field] as string) : undefined;
  if (e !== undefined) out(`${at}.delay.${field}`, e);
  if (field === 'exponentialDelay') out(`${at}.delay.exponentialDelay`, 'exponentialDelay not supported yet');
}

function retryErrors(r: Resource, retries: unknown, at: string, out: Out): void {
  const rt = r.map(retries);
  const attempts = typeof rt.attempts === 'number' ? rt.attempts : 0;
  if (attempts < 0) out(`${at}.attempts`, 'attempts cannot be negative');
  if (attempts === 0 && (rt.perTryTimeout !== undefined || r.str(rt.retryOn) !== '' || (rt.retryRemoteLocalities !== undefined && rt.retryRemoteLocalities !== null))) {
    out(at, 'http retry policy configured when attempts are set to 0 (disabled)');
  }
  for (const field of ['perTryTimeout', 'backoff'] as const) {
    const e = typeof rt[field] === 'string' ? durationError(rt[field] as string) : undefined;
    if (e !== undefined) out(`${at}.${field}`, e);
  }
  const retryOn = r.str(rt.retryOn);
  if (retryOn === '') return;
  for (const policy of retryOn.split(',')) {
    // a policy, or a status code: Go's http.StatusText(strconv.Atoi(policy)) is not empty
    if (!isRetryOnPolicy(policy)) out(`${at}.retryOn`, `"${policy}" is not a valid retryOn policy`);
  }
}

/**
 * `validateAuthorityRewrite`: the authority is rewritten in one place at most, `rewrite.authority` or a request header
 * (`:authority` or `host`, any case) set or added on the rule; the first conflict only, as Istio returns it.
 */
function authorityRewrite(r: Resource, rule: Obj, at: string, out: Out): void {
  let current = r.str(r.map(rule.rewrite).authority);
  const request = r.map(r.map(rule.headers).request);
  for (const op of ['set', 'add'] as const) {
    for (const [name, value] of Object.entries(r.map(request[op]))) {
      if (name.toLowerCase() !== ':authority' && name.toLowerCase() !== 'host') continue;
      if (current !== '') return out(at, `authority header cannot be set multiple times: have ${JSON.stringify(current)}, attempting to set ${JSON.stringify(value)}`);
      current = r.str(value);
    }
  }
}

/** `validateHTTPRouteConflict`: what a rule holds besides (or instead of) its route. */
function conflicts(r: Resource, rule: Obj, at: string, delegate: boolean, out: Out): void {
  const has = (k: string) => rule[k] !== undefined && rule[k] !== null;
  const routes = r.list(rule.route).length > 0;
  if (has('delegate') && !delegate) {
    if (has('redirect')) out(at, `root HTTP route ${r.str(rule.name)} must not specify redirect`);
    if (routes) out(at, `root HTTP route ${r.str(rule.name)} must not specify route`);
    return;
  }
  if (delegate && has('delegate')) out(at, 'delegate HTTP route cannot contain delegate');
  const instead = has('redirect') ? 'redirect' : has('directResponse') ? 'direct_response' : undefined;
  if (instead !== undefined) {
    if (routes) out(at, `HTTP route cannot contain both route and ${instead}`);
    if (has('fault')) out(at, `HTTP route cannot contain both fault and ${instead}`);
    if (has('rewrite')) out(at, `HTTP route rule cannot contain both rewrite and ${instead}`);
    if (instead === 'redirect' && has('directResponse')) out(at, 'HTTP route rule cannot contain both direct_response and redirect');
  } else if (!routes) {
    out(at, 'HTTP route, redirect or direct_response is required');
  }
  if (has('mirror') && r.list(rule.mirrors).length > 0) out(at, 'HTTP route cannot contain both mirror and mirrors');
}

function httpRule(r: Resource, rv: unknown, at: string, delegate: boolean, mesh: boolean, out: Out): void {
  const rule = r.map(rv);
  conflicts(r, rule, at, delegate, out);
  matchErrors(r, rule, at, mesh, out);
  headerOperations(r, rule.headers, `${at}.headers`, out);
  faultErrors(r, rule.fault, `${at}.fault`, out);
  percentage(r, rule.mirrorPercentage, `${at}.mirrorPercentage`, out, 'mirror_percentage');
  destinationErrors(r, rule.mirror, `${at}.mirror`, out);
  r.list(rule.mirrors).forEach((mv, k) => {
    const m = r.map(mv);
    if (m.destination === undefined) out(`${at}.mirrors[${k}]`, 'destination is required for mirrors');
    else destinationErrors(r, m.destination, `${at}.mirrors[${k}].destination`, out);
    percentage(r, m.percentage, `${at}.mirrors[${k}].percentage`, out, 'mirror percentage');
  });
  retryErrors(r, rule.retries, `${at}.retries`, out);
  authorityRewrite(r, rule, at, out);
  routeDestinations(r, rule.route, at, true, out);
  const timeout = typeof rule.timeout === 'string' ? durationError(rule.timeout) : undefined;
  if (timeout !== undefined) out(`${at}.timeout`, timeout);
}

/** `validateExportTo` for a VirtualService of `namespace`. */
function exportToErrors(r: Resource, out: Out): void {
  const values = r.strings(r.spec.exportTo);
  const seen = new Set<string>();
  for (const e of values) {
    const key = e === '.' ? r.namespace : e;
    if (seen.has(key)) out('spec.exportTo', key !== e ? `duplicate entries in exportTo: . and current namespace ${r.namespace}` : `duplicate entries in exportTo for entry ${e}`);
    else if (key === '~') out('spec.exportTo', 'exportTo ~ (none) is not allowed for Istio configuration objects');
    else if (key !== '*' && !isIstioLabel(key)) out('spec.exportTo', 'only .,*, or a valid DNS 1123 label is allowed as exportTo entry');
    else seen.add(key);
  }
  if (seen.has('*') && values.length > 1) out('spec.exportTo', 'cannot have both public (*) and non-public exportTo values for a resource');
}

/** Istio's value checks of a VirtualService whose types are right: `path: message` for each. */
export function valueErrors(r: Resource): string[] {
  const errors: string[] = [];
  const out: Out = (at, message) => errors.push(`${at}: ${message}`);
  const hosts = r.strings(r.spec.hosts);
  const gateways = r.strings(r.spec.gateways);
  const delegate = hosts.length === 0;
  if (delegate) {
    if (gateways.length > 0) out('spec.gateways', 'delegate virtual service must have no gateways specified');
    if (r.list(r.spec.tls).length > 0) out('spec.tls', 'delegate virtual service must have no tls route specified');
    if (r.list(r.spec.tcp).length > 0) out('spec.tcp', 'delegate virtual service must have no tcp route specified');
  }
  gatewayNames(r, r.spec.gateways, 'spec.gateways', out);
  const onGateway = gateways.length > 0 && !gateways.includes('mesh');
  const sni = r.list(r.spec.tls).some(t => r.list(r.map(t).match).some(m => r.strings(r.map(m).sniHosts).length > 0));
  let valid = true;
  hosts.forEach((h, i) => {
    const skip = onGateway && sni && h.startsWith('outbound_');
    const e = skip ? undefined : wildcardDomainError(h);
    if (e !== undefined && !isIp(h)) {
      out(`spec.hosts[${i}]`, e);
      valid = false;
    } else if (!onGateway && h === '*') {
      out('spec.hosts', 'wildcard host * is not allowed for virtual services bound to the mesh gateway');
      valid = false;
    }
  });
  if (valid) hosts.forEach((a, i) => hosts.slice(i + 1).forEach(b => { if (hostsMatch(a, b)) out('spec.hosts', `duplicate hosts in virtual service: ${a} & ${b}`); }));
  if (['http', 'tcp', 'tls'].every(k => r.list(r.spec[k]).length === 0)) out('spec', 'http, tcp or tls must be provided');
  r.list(r.spec.http).forEach((rule, i) => httpRule(r, rule, `spec.http[${i}]`, delegate, !onGateway, out));
  r.list(r.spec.tls).forEach((tv, i) => {
    const tls = r.map(tv);
    const at = `spec.tls[${i}]`;
    const matches = r.list(tls.match);
    if (matches.length === 0) out(at, 'TLS route must have at least one match condition');
    matches.forEach((mv, j) => {
      const m = r.map(mv);
      const snis = r.strings(m.sniHosts);
      if (snis.length === 0) out(`${at}.match[${j}]`, 'TLS match must have at least one SNI host');
      for (const s of snis) {
        const e = onGateway && s.startsWith('outbound_') ? undefined : wildcardDomainError(s);
        if (e !== undefined && !isIp(s)) {out(`${at}.match[${j}].sniHosts`, e);} else if (e === undefined && !hosts.some(h => hostSubsetOf(s, h))) {
          out(`${at}.match[${j}].sniHosts`, `SNI host "${s}" is not a compatible subset of any of the virtual service hosts: [${hosts.join(', ')}]`);
        }
      }
      if (m.port !== undefined && m.port !== 0 && portError(m.port as number)) out(`${at}.match[${j}].port`, portError(m.port as number)!);
      gatewayNames(r, m.gateways, `${at}.match[${j}].gateways`, out);
    });
    if (r.list(tls.route).length === 0) out(at, 'TLS route is required');
    routeDestinations(r, tls.route, at, false, out);
  });
  r.list(r.spec.tcp).forEach((tv, i) => {
    const tcp = r.map(tv);
    const at = `spec.tcp[${i}]`;
    r.list(tcp.match).forEach((mv, j) => {
      const m = r.map(mv);
      if (m.port !== undefined && m.port !== 0 && portError(m.port as number)) out(`${at}.match[${j}].port`, portError(m.port as number)!);
      gatewayNames(r, m.gateways, `${at}.match[${j}].gateways`, out);
    });
    if (r.list(tcp.route).length === 0) out(at, 'TCP route is required');
    routeDestinations(r, tcp.route, at, false, out);
  });
  exportToErrors(r, out);
  return errors;
}
