/**
 * Fault injection for the emulator (`--faults SPEC`): comma-separated
 * `kind=probability`, kinds `429`, `500`, `503`, `reset`, `timeout`, `truncate`, `expire-token`,
 * plus `retry-after=SECONDS`. Whether a request faults is a pure function of the seed, the
 * request (method and path with query) and how many times that request was made before, so a
 * run is reproducible for a seed however its requests interleave. Token requests draw too (all
 * as `POST /api/token`), the kinds that replace an answer only: 429, 500, 503, reset, timeout.
 */
import { InvalidInputError } from '../../../core/errors';
import { randomFor } from './random';

/** The kinds of fault, in the order their probabilities are stacked. */
export const faultKinds = ['429', '500', '503', 'reset', 'timeout', 'truncate', 'expire-token'] as const;
/** One kind of fault. */
export type FaultKind = (typeof faultKinds)[number];

/** A parsed fault specification. */
export interface FaultSpec {
  readonly probabilities: Readonly<Partial<Record<FaultKind, number>>>;
  /** The `Retry-After` of an injected 429, in seconds. @default 1 */
  readonly retryAfterSeconds: number;
}

/** No faults at all. */
export const noFaults: FaultSpec = { probabilities: {}, retryAfterSeconds: 1 };

const isKind = (value: string): value is FaultKind => (faultKinds as readonly string[]).includes(value);

const help = `Write it as comma-separated kind=probability (kinds ${faultKinds.join(', ')}; probabilities 0–1 adding up to at most 1), plus retry-after=SECONDS, e.g. --faults 429=0.1,reset=0.05,retry-after=2.`;

/** A probability as a person writes it: a decimal from 0 to 1 (`0`, `0.05`, `.5`, `1.0`). */
const isProbability = (text: string): boolean => /^(?:\d+(?:\.\d*)?|\.\d+)$/.test(text) && Number(text) <= 1;

/**
 * Parses a fault specification; throws InvalidInputError naming the bad part.
 * @example parseFaults('500=0.1,retry-after=2') // { probabilities: { '500': 0.1 }, retryAfterSeconds: 2 }
 */
export const parseFaults = (spec: string | undefined): FaultSpec => {
  if (spec === undefined || spec.trim() === '') return noFaults;
  const probabilities: Partial<Record<FaultKind, number>> = {};
  let retryAfterSeconds = noFaults.retryAfterSeconds;
  for (const part of spec.split(',').map((text) => text.trim()).filter(Boolean)) {
    const [name = '', value = '', ...rest] = part.split('=');
    const number = Number(value);
    if (rest.length > 0 || value === '') {
      throw new InvalidInputError(`--faults: "${part}" is not kind=number. ${help}`);
    }
    if (name === 'retry-after') {
      if (!/^\d+$/.test(value)) throw new InvalidInputError(`--faults: retry-after must be whole seconds ≥ 0, got "${value}". ${help}`);
      retryAfterSeconds = number;
    } else if (isKind(name)) {
      // Only a plain decimal: Number() would also read 0x1, 1e0 or " 1" as 1.
      if (!isProbability(value)) throw new InvalidInputError(`--faults: the probability of ${name} must be a decimal from 0 to 1, got "${value}". ${help}`);
      probabilities[name] = number;
    } else {
      throw new InvalidInputError(`--faults: unknown fault kind "${name}". ${help}`);
    }
  }
  const sum = Object.values(probabilities).reduce((total, p) => total + p, 0);
  if (sum > 1 + 1e-9) throw new InvalidInputError(`--faults: the probabilities add up to ${sum}, more than 1. ${help}`);
  return { probabilities, retryAfterSeconds };
};

/** Decides per request which fault, if any, to inject. */
export class FaultPlan {
  private readonly seen = new Map<string, number>();

  public constructor(
    private readonly spec: FaultSpec,
    private readonly seed: number,
  ) {}

  /** The fault for this request (`GET /v1/playlists/x/items?offset=0`), or undefined. */
  public draw(request: string): FaultKind | undefined {
    const count = this.seen.get(request) ?? 0;
    this.seen.set(request, count + 1);
    let u = randomFor(this.seed, 'fault', request, count).next();
    for (const kind of faultKinds) {
      const p = this.spec.probabilities[kind] ?? 0;
      if (u < p) return kind;
      u -= p;
    }
    return undefined;
  }

  public get retryAfterSeconds(): number {
    return this.spec.retryAfterSeconds;
  }
}
