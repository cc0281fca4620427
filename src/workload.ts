/**
 * What a lane's fork of a service's baseline workload changes (`LaneGroupLane.workloads`). Everything else is
 * the baseline's, and the lane's pod labels are added to the fork's selector and pod template.
 */
export interface WorkloadOverrides {
  /**
   * The image of the container (`container`, else the first).
   * @default - the baseline's
   */
  readonly image?: string;

  /**
   * Environment variables of the container, each added or replacing the baseline's variable of that name.
   * @default - the baseline's
   */
  readonly env?: { [name: string]: string };

  /**
   * The number of replicas of the fork.
   * @default - the baseline's
   */
  readonly replicas?: number;

  /**
   * The container that `image` and `env` apply to.
   * @default - the first container of the pod template
   */
  readonly container?: string;
}

/**
 * The clock a lane group compares lanes' expiry dates with at synth: the system's, or a fixed time (tests,
 * reproducible builds).
 */
export class LaneClock {
  /** The system's clock: the time synth runs. */
  public static system(): LaneClock {
    return new LaneClock(undefined);
  }

  /**
   * A clock that always tells the same time.
   * @param time an ISO 8601 date or date and time, e.g. `2026-12-06` (midnight UTC) or `2026-12-06T09:30:00Z`
   */
  public static fixed(time: string): LaneClock {
    // Stryker disable next-line Regex: Date.parse refuses what comes before a date too
    const at = /^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(time) ? Date.parse(time) : NaN;
    // a day past the month's end parses as a day of the next month: refused, as an expiry date is
    if (Number.isNaN(at) || new Date(Date.parse(`${time.slice(0, 10)}T00:00:00Z`)).toISOString().slice(0, 10) !== time.slice(0, 10)) throw new Error(`LaneClock.fixed(): time must be an ISO 8601 date such as "2026-12-06" or a date and time such as "2026-12-06T09:30:00Z", got ${JSON.stringify(time)}`);
    return new LaneClock(at);
  }

  private constructor(private readonly fixedAt: number | undefined) {}

  /** The current time, as this clock tells it. */
  public now(): Date {
    return new Date(this.fixedAt ?? Date.now());
  }
}

/**
 * Preview lanes: how a lane group treats lanes that carry an expiry date (`LaneGroupLane.expires`).
 */
export interface LaneExpiry {
  /**
   * Synth warns about a lane that expires within this many days (its last day included).
   * @default 7
   */
  readonly warnDays?: number;

  /**
   * The clock the dates are compared with.
   * @default LaneClock.system()
   */
  readonly clock?: LaneClock;
}
