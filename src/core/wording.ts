// Times and durations in the prose people read (messages, step details, the log). The JSON
// fields keep their ISO strings; only the sentences use these.
import { Env } from './gas';

/** The spreadsheet's time zone, asked once per execution (an Env serves one execution). */
const zones = new WeakMap<Env, string>();

/** The active spreadsheet's time zone ('UTC' when it has none), asked once per execution. */
export function zoneOf(env: Env): string {
  let tz = zones.get(env);
  if (tz === undefined) {
    tz = env.activeSpreadsheet().getSpreadsheetTimeZone() || 'UTC';
    zones.set(env, tz);
  }
  return tz;
}

/**
 * "2 Dec 2026, 09:00 (America/Santiago)": the spreadsheet's time zone, named, because the
 * owner, the script and a collaborator abroad may each think in another zone. Falls back to
 * the ISO string itself when it is not a time or cannot be formatted: a message must never
 * fail because of its date.
 */
export function formatWhen(env: Env, iso: string | null | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (isNaN(ms)) return String(iso);
  try {
    const tz = zoneOf(env);
    return `${env.formatDate(new Date(ms), tz, 'd MMM yyyy, HH:mm')} (${tz})`;
  } catch (e) {
    return new Date(ms).toISOString();
  }
}

/** "850 ms", "12.3 s", "4 min 5 s" */
export function formatDuration(ms: number): string {
  if (!isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const whole = Math.round(s);
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
}
