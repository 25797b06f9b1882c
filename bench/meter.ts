// How the benchmark sorts service calls (the emulator counts them and their modelled ms by name in
// emu.stats), and what the emulator does not measure: the bytes held in the active spreadsheet's
// document properties after every write, so that the peak is exact. It observes only: calls still
// go through the emulator's runtime, which counts, costs and limits them as usual.
import type { Emulator } from '../emulator';
import { COST_MODEL } from '../emulator';

/** The Spreadsheet service, as the bound counts it (Drive, Properties, Lock... are other services). */
const SHEET_CLASSES = ['SpreadsheetApp.', 'Spreadsheet.', 'Sheet.', 'Range.', 'Protection.'];

/**
 * Calls that move cell data or change a grid: the kinds of call the lower bound is made of
 * (header read, column insert, header write, setValues, digest reads, file copy).
 */
const DATA_CALLS = new Set([
  'Range.getValues', 'Range.getValue', 'Range.getFormulas', 'Range.getFormula', 'Range.getDisplayValues', 'Range.getDisplayValue',
  'Range.setValues', 'Range.setValue', 'Range.setFormulas', 'Range.setFormula', 'Range.isBlank',
  'Range.getNumberFormats', 'Range.setNumberFormats', 'Range.clear', 'Range.clearContent', 'Range.copyTo',
  'Sheet.getSheetValues', 'Sheet.appendRow', 'Sheet.insertColumnsAfter', 'Sheet.insertColumnsBefore', 'Sheet.insertColumns',
  'Sheet.insertColumnAfter', 'Sheet.insertColumnBefore', 'Sheet.deleteColumns', 'Sheet.deleteColumn',
  'Sheet.insertRowsAfter', 'Sheet.insertRowsBefore', 'Sheet.insertRows', 'Sheet.insertRowAfter', 'Sheet.insertRowBefore',
  'Sheet.deleteRows', 'Sheet.deleteRow', 'Sheet.clear', 'Sheet.clearContents', 'Sheet.copyTo', 'Spreadsheet.copy', 'File.makeCopy',
]);

export type CallKind = 'data' | 'meta' | 'local' | 'other';

/**
 * data: a Spreadsheet-service call that moves cells or changes a grid; meta: any other
 * Spreadsheet-service round trip (lookups, sizes, protections, opening a file); local: a call
 * the client answers (Range coordinates, getRange: costed at most getRangeMs in the model);
 * other: Properties, Lock, Drive, Utilities, logging...
 */
export function classifyCall(name: string, costMs: number): CallKind {
  if (DATA_CALLS.has(name)) return 'data';
  if (!SHEET_CLASSES.some((p) => name.startsWith(p))) return 'other';
  return costMs > COST_MODEL.getRangeMs ? 'meta' : 'local';
}

export interface CallTally {
  count: Record<string, number>;
  ms: Record<string, number>;
}

export interface BucketSummary {
  /** Spreadsheet-service calls that move cells or change a grid. */
  data: number;
  /** Other Spreadsheet-service round trips. */
  meta: number;
  /** Client-side Spreadsheet calls (not round trips). */
  local: number;
  propertyReads: number;
  propertyWrites: number;
  /** Every counted call of any service. */
  all: number;
}

const PROPERTY_READS = new Set(['Properties.getProperty', 'Properties.getProperties', 'Properties.getKeys']);
const PROPERTY_WRITES = new Set(['Properties.setProperty', 'Properties.setProperties', 'Properties.deleteProperty', 'Properties.deleteAllProperties']);

export function summarise(t: CallTally): BucketSummary {
  const s: BucketSummary = { data: 0, meta: 0, local: 0, propertyReads: 0, propertyWrites: 0, all: 0 };
  for (const [name, n] of Object.entries(t.count)) {
    s.all += n;
    const perCall = (t.ms[name] || 0) / n;
    const kind = classifyCall(name, perCall);
    if (kind === 'data') s.data += n;
    else if (kind === 'meta') s.meta += n;
    else if (kind === 'local') s.local += n;
    if (PROPERTY_READS.has(name)) s.propertyReads += n;
    if (PROPERTY_WRITES.has(name)) s.propertyWrites += n;
  }
  return s;
}

function utf8(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

export class Meter {
  private mirror = new Map<string, string>();
  private mirrorBytes = 0;
  peakPropertyBytes = 0;
  /** The globals used to look at the properties between executions (free, uncounted). */
  private readonly inspector: Record<string, any>;

  constructor(private readonly emu: Emulator) {
    this.inspector = emu.globals();
  }

  /** Re-reads the active spreadsheet's document properties (outside any execution: free). */
  syncProperties(): void {
    const props = this.inspector.PropertiesService.getDocumentProperties();
    const all: Record<string, string> = props ? props.getProperties() : {};
    this.mirror = new Map(Object.entries(all));
    this.recount();
  }

  propertyBytes(): number {
    return this.mirrorBytes;
  }

  private recount(): void {
    let n = 0;
    for (const [k, v] of this.mirror) n += utf8(k) + utf8(v);
    this.mirrorBytes = n;
    if (n > this.peakPropertyBytes) this.peakPropertyBytes = n;
  }

  /**
   * Globals for one execution: the emulator's, with document properties wrapped so that every
   * successful write updates the byte count (key + value, UTF-8, as the 500 KB quota counts).
   */
  globals(): Record<string, unknown> {
    const g = this.emu.globals();
    const service = g.PropertiesService as Record<string, (...a: unknown[]) => unknown>;
    const meter = this;
    const track = (props: Record<string, (...a: unknown[]) => unknown>) => {
      const wrapped: Record<string, unknown> = new Proxy(props, {
        get(target, key) {
          const v = Reflect.get(target, key, target);
          if (typeof v !== 'function') return v;
          return (...args: unknown[]) => {
            const out = (v as (...a: unknown[]) => unknown).apply(target, args);
            meter.afterPropertyCall(String(key), args);
            return out === target ? wrapped : out;
          };
        },
      });
      return wrapped;
    };
    // The service object is frozen (a strict emulator object): replace it by a delegate.
    g.PropertiesService = {
      getDocumentProperties: () => {
        const props = service.getDocumentProperties() as Record<string, (...a: unknown[]) => unknown> | null;
        return props ? track(props) : props;
      },
      getScriptProperties: () => service.getScriptProperties(),
      getUserProperties: () => service.getUserProperties(),
    };
    return g;
  }

  private afterPropertyCall(method: string, args: unknown[]): void {
    switch (method) {
      case 'setProperty':
        this.mirror.set(String(args[0]), String(args[1]));
        break;
      case 'setProperties': {
        if (args[1]) this.mirror.clear();
        for (const [k, v] of Object.entries((args[0] || {}) as Record<string, unknown>)) this.mirror.set(k, String(v));
        break;
      }
      case 'deleteProperty':
        this.mirror.delete(String(args[0]));
        break;
      case 'deleteAllProperties':
        this.mirror.clear();
        break;
      default:
        return;
    }
    this.recount();
  }
}
