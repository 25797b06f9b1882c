// The time an execution may still spend, on the Env's clock (virtual in the emulator). Chunked
// work asks before each chunk whether another one of the size just seen still fits.
import { Env } from '../gas';

export class Budget {
  private readonly start: number;
  private slowest = 0;

  constructor(private readonly env: Pick<Env, 'now'>, private readonly ms: number) {
    this.start = env.now();
  }

  elapsed(): number {
    return this.env.now() - this.start;
  }

  left(): number {
    return this.ms - this.elapsed();
  }

  /** Runs one unit of work and remembers its cost as the estimate for the next one. */
  measure<T>(fn: () => T): T {
    const t0 = this.env.now();
    try {
      return fn();
    } finally {
      this.slowest = Math.max(this.slowest, this.env.now() - t0);
      this.units++;
    }
  }

  /** Counts a unit of work that was not measured (a one-call phase). */
  spent(): void {
    this.units++;
  }

  /**
   * True when a unit as costly as the slowest seen so far (or `atLeastMs`) still fits. The
   * first unit of an execution always fits: a unit bigger than the whole budget must still
   * run once, or a resumed call would never get past it.
   */
  fits(atLeastMs = 0): boolean {
    if (this.units === 0) return true;
    return this.left() > Math.max(this.slowest * 1.5, atLeastMs);
  }

  private units = 0;
}
