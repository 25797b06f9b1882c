// Wording: dates, counts, and server failures turned into plain words with a next step.

export function formatNumber(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function plural(n: number, one: string, many = one + 's'): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}

/**
 * "25 Nov 2025, 20:01 GMT-3" in the viewer's time zone, named, since the server's messages
 * give times in the spreadsheet's zone, which may differ; the raw string when it is not a date.
 */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d.getTime())) return String(iso);
  const date = d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
  const time = d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
  return `${date}, ${time}`;
}

export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (isNaN(d.getTime())) return String(iso);
  return d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function formatDuration(ms: number): string {
  if (!isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

export interface PlainError {
  what: string;
  todo: string;
  /** Individual findings (e.g. a dry run's problems), listed under the message. */
  details?: string[];
}

/**
 * A thrown server error (or a lost connection) as two sentences: what happened and what to do.
 * Checkpoints are saved after every unit of work, so "try again" is always safe advice.
 */
export function explainFailure(action: string, raw: string): PlainError {
  const msg = raw.trim();
  const lower = msg.toLowerCase();
  if (/exceeded maximum execution time|timed out|timeout/.test(lower)) {
    return {
      what: `Google stopped the ${action} because it ran too long.`,
      todo: 'Your progress up to the last saved checkpoint is kept. Press the button again to continue from there.',
    };
  }
  if (/authori[sz]ation is required|permission|not authori[sz]ed|access denied|you do not have/.test(lower)) {
    return {
      what: `The add-on is not allowed to do the ${action}: ${msg}`,
      todo: 'Close this sidebar, open it again from Extensions → Sheet Migrator and accept the permissions. If you are not the owner, ask the owner.',
    };
  }
  if (/networkerror|failed to fetch|network|connection|disconnected/.test(lower)) {
    return {
      what: `The connection to Google was lost during the ${action}.`,
      todo: 'Check your internet connection and press the button again. Work already saved is not lost.',
    };
  }
  if (/service invoked too many times|quota|rate limit|too many/.test(lower)) {
    return {
      what: `Google's daily limits were reached during the ${action}: ${msg}`,
      todo: 'Wait a while (limits reset within 24 hours) and press the button again; progress is saved.',
    };
  }
  if (/\block\b|\bbusy\b|another (user|execution|run)/.test(lower)) {
    return {
      what: `Someone else is working on the migration right now: ${msg}`,
      todo: 'Wait a minute until their step finishes, then try again.',
    };
  }
  return {
    what: `The ${action} failed on the server: ${msg || 'no reason given'}`,
    todo: 'Progress up to the last saved checkpoint is kept. Try again; if it fails again, open the log below and send it to whoever maintains the add-on.',
  };
}
