// The migration log: every entry goes to console (Stackdriver in Apps Script) at once and to
// a bounded, persisted ring of property pages when flushed, so it can be read after the
// sidebar is closed. Entries are buffered and flushed with checkpoints to spare the daily
// property-write quota.
import { LogEntry, LogLevel, StepId } from './types';
import { Env, PropertyStore } from './gas';
import { KEYS, utf8Length } from './state';

export const LEVEL_RANK: Record<LogLevel, number> = { DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3 };
const PAGES = 4;
const PAGE_BYTES = 7 * 1024;
const MAX_MESSAGE = 400;

export class MigrationLog {
  private pending: LogEntry[] = [];

  constructor(
    private readonly env: Pick<Env, 'now' | 'console'>,
    private readonly props: PropertyStore,
    private readonly minLevel: LogLevel = 'INFO',
  ) {}

  debug(step: StepId | null, message: string): void {
    this.add('DEBUG', step, message);
  }
  info(step: StepId | null, message: string): void {
    this.add('INFO', step, message);
  }
  warn(step: StepId | null, message: string): void {
    this.add('WARN', step, message);
  }
  error(step: StepId | null, message: string): void {
    this.add('ERROR', step, message);
  }

  add(level: LogLevel, step: StepId | null, message: string): void {
    if (LEVEL_RANK[level] < LEVEL_RANK[this.minLevel]) return;
    const entry: LogEntry = {
      at: new Date(this.env.now()).toISOString(),
      level,
      step,
      message: message.length > MAX_MESSAGE ? message.slice(0, MAX_MESSAGE - 1) + '…' : message,
    };
    this.env.console[level === 'ERROR' ? 'error' : level === 'WARN' ? 'warn' : 'info'](`[Sheet Migrator] ${level} ${step || '-'} ${entry.message}`);
    this.pending.push(entry);
  }

  /** Appends buffered entries to the persisted ring. Costs one read and one or two writes. */
  flush(): void {
    if (this.pending.length === 0) return;
    let head = headOf(this.props.getProperty(KEYS.logHead));
    let page = readPage(this.props.getProperty(KEYS.logPage(head)));
    const writes: Record<string, string> = {};
    for (const entry of this.pending) {
      const candidate = page.concat([entry]);
      if (page.length > 0 && utf8Length(JSON.stringify(candidate)) > PAGE_BYTES) {
        writes[KEYS.logPage(head)] = JSON.stringify(page);
        head = (head + 1) % PAGES;
        page = [entry];
      } else {
        page = candidate;
      }
    }
    writes[KEYS.logPage(head)] = JSON.stringify(page);
    writes[KEYS.logHead] = String(head);
    this.props.setProperties(writes);
    this.pending = [];
  }

  /** Drops buffered entries (a dry run persists nothing). */
  discardPending(): LogEntry[] {
    const p = this.pending;
    this.pending = [];
    return p;
  }
}

/** The page written last (0 when the head is missing or unreadable). */
function headOf(raw: string | null | undefined): number {
  const head = parseInt(raw || '0', 10);
  return head >= 0 && head < PAGES ? head : 0;
}

function readPage(raw: string | null): LogEntry[] {
  if (!raw) return [];
  try {
    const v = JSON.parse(raw) as unknown;
    return Array.isArray(v) ? (v as LogEntry[]) : [];
  } catch (e) {
    return [];
  }
}

/** All persisted entries, oldest first. */
export function readLog(props: PropertyStore): LogEntry[] {
  const all = props.getProperties();
  const head = headOf(all[KEYS.logHead]);
  const out: LogEntry[] = [];
  for (let i = 1; i <= PAGES; i++) {
    const n = (head + i) % PAGES;
    out.push(...readPage(all[KEYS.logPage(n)] || null));
  }
  return out;
}
