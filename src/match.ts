import { checkMatchHeaderName, checkNoControlChars, checkNotReservedKey, checkRegex, show } from './private/validation/values';

/**
 * How a string (header value, uri, method, query parameter) is matched: exactly one of exact, prefix
 * or regex (RE2 syntax, matched against the whole value, as Envoy does).
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#StringMatch
 */
export class StringMatch {
  /**
   * Matches the value exactly (case-sensitive).
   * @param value the value, non-empty
   */
  public static exact(value: string): StringMatch {
    return new StringMatch('exact', value);
  }

  /**
   * Matches values that start with `value`.
   * @param value the prefix, non-empty (a path prefix starts with `/`)
   */
  public static prefix(value: string): StringMatch {
    return new StringMatch('prefix', value);
  }

  /**
   * Matches values that the RE2 regex matches in full. Lookaround and backreferences are not RE2 and are rejected.
   * @param value the RE2 regex, at most 1024 characters
   */
  public static regex(value: string): StringMatch {
    return new StringMatch('regex', value);
  }

  /** The kind of match: `exact`, `prefix` or `regex`. */
  public readonly kind: string;
  /** The value matched against: the exact value, the prefix or the regex. */
  public readonly value: string;

  private constructor(kind: 'exact' | 'prefix' | 'regex', value: string) {
    if (typeof value !== 'string' || value.length === 0) {
      throw new Error(`StringMatch.${kind}() needs a non-empty string, got ${show(value)}`);
    }
    checkNoControlChars(`StringMatch.${kind}() value`, value);
    if (kind === 'regex') checkRegex('StringMatch.regex() value', value);
    this.kind = kind;
    this.value = value;
  }

  /** A short human form, e.g. `exact "dev"`. */
  public toString(): string {
    return `${this.kind} ${show(this.value)}`;
  }
}

/**
 * A condition on one request header. Header names are lowercase (Istio requires it); the pseudo-headers
 * `:method`, `:scheme`, `:authority`, `:path` and `:status` may be matched too, as Istio allows.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMatchRequest
 */
export class HeaderMatch {
  /**
   * The header equals `value`.
   * @param name the header name, lowercase (or one of the pseudo-headers Istio matches on)
   * @param value the value
   */
  public static exact(name: string, value: string): HeaderMatch {
    return new HeaderMatch(name, StringMatch.exact(value), false);
  }

  /**
   * The header starts with `value`.
   * @param name the header name, lowercase (or one of the pseudo-headers Istio matches on)
   * @param value the prefix
   */
  public static prefix(name: string, value: string): HeaderMatch {
    return new HeaderMatch(name, StringMatch.prefix(value), false);
  }

  /**
   * The header matches the RE2 regex in full.
   * @param name the header name, lowercase (or one of the pseudo-headers Istio matches on)
   * @param value the RE2 regex
   */
  public static regex(name: string, value: string): HeaderMatch {
    return new HeaderMatch(name, StringMatch.regex(value), false);
  }

  /**
   * The header is present, whatever its value.
   * @param name the header name, lowercase (or one of the pseudo-headers Istio matches on)
   */
  public static present(name: string): HeaderMatch {
    return new HeaderMatch(name, undefined, false);
  }

  /**
   * The header is absent (rendered as Istio `withoutHeaders`).
   * @param name the header name, lowercase (or one of the pseudo-headers Istio matches on)
   */
  public static absent(name: string): HeaderMatch {
    return new HeaderMatch(name, undefined, true);
  }

  /** Keys Istio ignores inside `headers`: they have dedicated fields. */
  private static readonly RESERVED: { [name: string]: string } = {
    uri: 'uri', scheme: 'scheme', method: 'method', authority: 'authority', host: 'authority',
  };

  /** The header name (lowercase). */
  public readonly name: string;
  /** How the value is matched; undefined for presence and absence checks. */
  public readonly match?: StringMatch;
  /** True when this condition requires the header to be absent. */
  public readonly isAbsent: boolean;

  private constructor(name: string, match: StringMatch | undefined, absent: boolean) {
    checkMatchHeaderName('HeaderMatch name', name);
    const reserved = Object.prototype.hasOwnProperty.call(HeaderMatch.RESERVED, name) ? HeaderMatch.RESERVED[name] : undefined;
    if (reserved) {
      throw new Error(`HeaderMatch name ${show(name)} is ignored by Istio inside headers; use the RequestMatch field "${reserved}" instead`);
    }
    this.name = name;
    this.match = match;
    this.isAbsent = absent;
  }

  /** A short human form, e.g. `env exact "dev"`. */
  public toString(): string {
    if (this.isAbsent) return `${this.name} absent`;
    return this.match ? `${this.name} ${this.match}` : `${this.name} present`;
  }
}

/**
 * A condition on one query parameter. Istio supports exact and regex matches here (no prefix).
 */
export class QueryParamMatch {
  /**
   * The parameter equals `value` (the raw query-string value, as Envoy matches it).
   * @param name the parameter name
   * @param value the value
   */
  public static exact(name: string, value: string): QueryParamMatch {
    return new QueryParamMatch(name, StringMatch.exact(value));
  }

  /**
   * The parameter matches the RE2 regex in full.
   * @param name the parameter name
   * @param value the RE2 regex
   */
  public static regex(name: string, value: string): QueryParamMatch {
    return new QueryParamMatch(name, StringMatch.regex(value));
  }

  /** The parameter name. */
  public readonly name: string;
  /** How the value is matched. */
  public readonly match: StringMatch;

  private constructor(name: string, match: StringMatch) {
    if (typeof name !== 'string' || name.length === 0) {
      throw new Error(`QueryParamMatch name must be a non-empty string, got ${show(name)}`);
    }
    checkNoControlChars('QueryParamMatch name', name);
    checkNotReservedKey('QueryParamMatch name', name);
    this.name = name;
    this.match = match;
  }

  /** A short human form, e.g. `user exact "alice"`. */
  public toString(): string {
    return `?${this.name} ${this.match}`;
  }
}

/**
 * One match block of a rule. Every condition in a block must hold (AND); a rule matches when any of its
 * blocks matches (OR). A block needs at least one condition.
 */
export interface RequestMatch {
  /**
   * Conditions on request headers (each header at most once per block).
   * @default - no header conditions
   */
  readonly headers?: HeaderMatch[];

  /**
   * Condition on the request path. Exact and prefix values start with `/`.
   * @default - any path
   */
  readonly uri?: StringMatch;

  /**
   * Condition on the request's authority (the `Host` header), e.g. `StringMatch.exact('shop.example.com')`.
   * @default - any authority
   */
  readonly authority?: StringMatch;

  /**
   * Condition on the HTTP method, e.g. `StringMatch.exact('GET')`.
   * @default - any method
   */
  readonly method?: StringMatch;

  /**
   * Conditions on query parameters (each parameter at most once per block).
   * @default - no query parameter conditions
   */
  readonly queryParams?: QueryParamMatch[];

  /**
   * Labels of the calling workload (Istio `sourceLabels`): the block matches calls made from pods that carry
   * all of them. Only for routings without a gateway entry point (a request from outside has no caller labels).
   * @default - any caller
   * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMatchRequest
   */
  readonly sourceLabels?: { [key: string]: string };
}
