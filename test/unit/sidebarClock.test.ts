// The sidebar displays what the server decided and never consults its own clock: a laptop's
// clock can be days off, and the server's Status carries `now` and every time-based decision.
import * as fs from 'fs';
import * as path from 'path';
import { actionRules } from '../../sidebar/rules';
import type { Status } from '../../src/core/types';

const SIDEBAR = path.resolve(__dirname, '../../sidebar');

test('no code in sidebar/ reads the browser clock', () => {
  const offenders: string[] = [];
  for (const f of fs.readdirSync(SIDEBAR).filter((n) => /\.(ts|js|html)$/.test(n))) {
    fs.readFileSync(path.join(SIDEBAR, f), 'utf8').split('\n').forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '');
      // new Date(x) parses a server time for display; new Date() / Date.now() / performance.now() read the clock.
      if (/Date\.now\s*\(|new Date\s*\(\s*\)|performance\.now\s*\(/.test(code)) offenders.push(`${f}:${i + 1}: ${line.trim()}`);
    });
  }
  expect(offenders).toEqual([]);
});

test('Roll back follows status.rollbackWindowEnded, whatever the deadline reads', () => {
  const base = {
    sheetName: 'Operaciones', columnCount: 68, migrated: true, steps: [], progress: { done: 5, total: 5 },
    backup: { id: 'B', name: 'bk', url: 'https://docs.google.com/x', createdAt: '2026-11-25T12:00:00.000Z' },
    running: null, canAct: true, now: '2026-11-26T12:00:00.000Z',
  };
  const open = { ...base, rollbackAvailableUntil: '2026-12-02T12:00:00.000Z', rollbackDeadline: '2026-12-02T12:00:00.000Z', rollbackWindowEnded: false } as Status;
  expect(actionRules({ status: open, busy: null, stopRequested: false }).rollback).toEqual({ enabled: true, reason: null });
  const ended = { ...base, rollbackAvailableUntil: null, rollbackDeadline: '2026-12-02T12:00:00.000Z', rollbackWindowEnded: true } as Status;
  expect(actionRules({ status: ended, busy: null, stopRequested: false }).rollback).toEqual({ enabled: false, reason: 'The rollback window has ended.' });
});
