/**
 * Istio's checks of single values (istio/istio 1.30.3: pkg/config/labels, pkg/config/validation/agent, pkg/config/host),
 * as its validation applies them: DNS labels and domains, durations, ports, gRPC statuses. The answers
 * for domains and durations are kept (a mesh repeats the same few), in a bounded cache.
 */
import { boundedCache } from '../../validation/values';

/** Istio's DNS-1123 label (`labels.IsDNS1123Label`): letters of either case, digits and '-'. */
const LABEL = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const WILDCARD_LABEL = /^(\*|(\*|\*-)?[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** The gRPC status names Istio's validateGRPCStatus accepts. */
export const GRPC_STATUS = ['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED'];

/** `labels.IsDNS1123Label`. */
export function isIstioLabel(value: string): boolean {
  return value.length <= 63 && LABEL.test(value);
}

/** An IPv4 address, or a text of hex digits, colons and dots with a colon (an IPv6 address, loosely). */
export function isIp(value: string): boolean {
  return IPV4.test(value) || (value.includes(':') && /^[0-9a-fA-F:.]+$/.test(value));
}

/** `ValidateDNS1123Labels`: the labels of a domain (a trailing dot allowed), whose last is not all digits. */
export function dnsLabelsError(domain: string): string | undefined {
  const parts = domain.split('.');
  const top = parts[parts.length - 1];
  if (/^[+-]?\d+$/.test(top)) return `domain name "${domain}" invalid (top level domain "${top}" cannot be all-numeric)`;
  for (let i = 0; i < parts.length; i++) {
    if (i === parts.length - 1 && parts[i] === '') return undefined;
    if (!isIstioLabel(parts[i])) return `domain name "${domain}" invalid (label "${parts[i]}" invalid)`;
  }
  return undefined;
}

/** `ValidateWildcardDomain`: a domain whose first label may be a wildcard. */
export function wildcardDomainError(domain: string): string | undefined {
  const e = boundedCache(DOMAIN_ERRORS, domain, () => domainError(domain) ?? '');
  return e === '' ? undefined : e;
}
const DOMAIN_ERRORS = new Map<string, string>();

function domainError(domain: string): string | undefined {
  if (domain.length > 255) return `domain name "${domain}" too long (max 255)`;
  if (domain.length === 0) return 'empty domain name not allowed';
  // the first label, then the rest (none when there is no dot, which dnsLabelsError accepts)
  const [first, ...rest] = domain.split('.');
  if (first.length > 63 || !WILDCARD_LABEL.test(first)) return `domain name "${domain}" invalid (label "${first}" invalid)`;
  return dnsLabelsError(rest.join('.'));
}

/** A Go duration (`1.5s`, `500ms`, `1m30s`) in nanoseconds; undefined when it is none. */
function nanoseconds(text: string): number | undefined {
  const units: { [u: string]: number } = { h: 3.6e12, m: 6e10, s: 1e9, ms: 1e6, us: 1e3, µs: 1e3, ns: 1 };
  const sign = text.startsWith('-') ? -1 : 1;
  const body = text.replace(/^[-+]/, '');
  if (body === '0') return 0;
  const parts = [...body.matchAll(/(\d+(?:\.\d*)?|\.\d+)(h|ms|m|s|us|µs|ns)/g)];
  if (parts.length === 0 || parts.map(p => p[0]).join('') !== body) return undefined;
  return sign * parts.reduce((sum, p) => sum + Number(p[1]) * units[p[2]], 0);
}

/** `agent.ValidateDuration`: at least 1ms, in whole milliseconds. */
export function durationError(text: string): string | undefined {
  const e = boundedCache(DURATION_ERRORS, text, () => durationCheck(text) ?? '');
  return e === '' ? undefined : e;
}
const DURATION_ERRORS = new Map<string, string>();

function durationCheck(text: string): string | undefined {
  const ns = nanoseconds(text);
  if (ns === undefined) return `invalid duration "${text}"`;
  if (ns < 1e6) return 'duration must be greater than 1ms';
  // Stryker disable next-line EqualityOperator: a double of 1e6 or more has no bits fine enough for a remainder of exactly 1e-3, so > and >= agree
  return Math.abs(ns % 1e6) > 1e-3 ? 'only durations to ms precision are supported' : undefined;
}

export function portError(port: number): string | undefined {
  return port >= 1 && port <= 65535 ? undefined : `port number ${port} must be in the range 1..65535`;
}

