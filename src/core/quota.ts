// Room in the document property store. Apps Script refuses a write that would take one store
// over 500 KB (keys + values), and a migration that cannot save its next checkpoint stops
// half-way. So before anything changes, the keys that are not Sheet Migrator's must leave room
// for every record it may write at its largest; if they do not, nothing starts and the user is
// told which keys take the room.
import { PropertyStore } from './gas';
import { MAX_VALUE_BYTES, utf8Length } from './state';

/** Apps Script's quota per property store: 500 KB of keys and values. */
export const PROPERTY_STORE_LIMIT_BYTES = 500 * 1024;

/** Our own keys all start with this. */
const OWN_PREFIX = 'sm.';

/**
 * The most Sheet Migrator ever stores: run, backup, history, lease, rollback and rollback
 * report records (each capped at MAX_VALUE_BYTES by StateStore), the log ring (4 pages of at
 * most 7 KB plus its head), with some slack for keys.
 */
export const OWN_MAX_BYTES = 6 * MAX_VALUE_BYTES + 4 * 7 * 1024 + 2 * 1024;

export interface PropertySpace {
  /** Bytes taken by keys that are not Sheet Migrator's. */
  othersBytes: number;
  /** Bytes taken by Sheet Migrator's own keys now. */
  ownBytes: number;
  /** The biggest foreign keys, largest first (at most 3), for the message. */
  biggest: Array<{ key: string; bytes: number }>;
}

export function measurePropertySpace(props: PropertyStore): PropertySpace {
  const all = props.getProperties();
  let othersBytes = 0;
  let ownBytes = 0;
  const foreign: Array<{ key: string; bytes: number }> = [];
  for (const key of Object.keys(all)) {
    const bytes = utf8Length(key) + utf8Length(String(all[key]));
    if (key.startsWith(OWN_PREFIX)) ownBytes += bytes;
    else {
      othersBytes += bytes;
      foreign.push({ key, bytes });
    }
  }
  foreign.sort((a, b) => b.bytes - a.bytes);
  return { othersBytes, ownBytes, biggest: foreign.slice(0, 3) };
}

function kb(bytes: number): string {
  return `${Math.ceil(bytes / 1024)} KB`;
}

/** null when there is room for every record Sheet Migrator may write; else what happened and what to do. */
export function propertySpaceProblem(props: PropertyStore, what: 'migration' | 'rollback' = 'migration'): string | null {
  const space = measurePropertySpace(props);
  const free = PROPERTY_STORE_LIMIT_BYTES - space.othersBytes;
  if (free >= OWN_MAX_BYTES) return null;
  const names = space.biggest.map((b) => `"${b.key}" (${kb(b.bytes)})`).join(', ');
  return (
    `The document properties of this spreadsheet are nearly full: other data takes ${kb(space.othersBytes)} of Apps Script's ${kb(PROPERTY_STORE_LIMIT_BYTES)} limit, ` +
    `and the ${what} needs up to ${kb(OWN_MAX_BYTES)} for its checkpoints and log. Nothing was changed. ` +
    `Free at least ${kb(OWN_MAX_BYTES - free)} by deleting document properties you no longer need (largest: ${names}; ` +
    `Extensions > Apps Script, then PropertiesService.getDocumentProperties().deleteProperty(key)), then run again. Keep the ${OWN_PREFIX}* keys (Sheet Migrator's own).`
  );
}
