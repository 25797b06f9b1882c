// The lease: one migration (or rollback) at a time across executions, read and written
// under LockService; a stale lease expires.
import { createEmulator } from '../../emulator';
import { acquireLease, displayOwner, isLeaseLive, releaseLease } from '../../src/core/lease';
import { StateStore } from '../../src/core/state';
import { emuEnv, spreadsheetTime } from '../helpers/emuEnv';

function setup() {
  const emu = createEmulator();
  const ss = emu.createSpreadsheet('S');
  emu.setActiveSpreadsheet(ss.getId());
  const store = () => new StateStore(emuEnv(emu).documentProperties());
  const take = (owner: string, seconds = 120) => emu.runExecution(() => acquireLease(emuEnv(emu), store(), owner, 'migration', seconds));
  return { emu, store, take };
}

test('the first owner gets it; renewing keeps "since" and moves the expiry', () => {
  const { emu, take } = setup();
  const a = take('me@x.com#A');
  expect(a.ok).toBe(true);
  if (!a.ok) return;
  emu.clock.advance(30000);
  const again = take('me@x.com#A');
  expect(again.ok && again.lease.since).toBe(a.lease.since);
  expect(again.ok && again.lease.token).toBe(a.lease.token);
  // 30 s later, plus the few modelled milliseconds the calls of the first execution took.
  const moved = again.ok ? Date.parse(again.lease.expiresAt) - Date.parse(a.lease.expiresAt) : 0;
  expect(moved).toBeGreaterThanOrEqual(30000);
  expect(moved).toBeLessThan(31000);
});

test('another owner is refused with who and since, until the lease expires', () => {
  const { emu, take } = setup();
  const a = take('me@x.com#A');
  const b = take('you@x.com#B');
  expect(b.ok).toBe(false);
  if (b.ok || !a.ok) return;
  expect(b.holder && b.holder.owner).toBe('me@x.com#A');
  // Times in the spreadsheet's zone, named, not raw ISO.
  expect(spreadsheetTime(new Date(Date.UTC(2026, 10, 25, 12)).toISOString())).toBe('25 Nov 2026, 09:00 (America/Santiago)');
  expect(b.message).toBe(
    `A migration is already being run by me@x.com since ${spreadsheetTime(a.lease.since)}. Wait for it to finish (its hold expires at ${spreadsheetTime(a.lease.expiresAt)} if it was interrupted), then try again.`,
  );
  emu.clock.advance(121000);
  expect(isLeaseLive(a.lease, emu.clock.now())).toBe(false);
  const c = take('you@x.com#B');
  expect(c.ok).toBe(true);
});

test('release only gives back one\'s own lease', () => {
  const { emu, store, take } = setup();
  take('me@x.com#A');
  emu.runExecution(() => releaseLease(emuEnv(emu), store(), 'you@x.com#B'));
  expect(store().readLease()!.owner).toBe('me@x.com#A');
  emu.runExecution(() => releaseLease(emuEnv(emu), store(), 'me@x.com#A'));
  expect(store().readLease()).toBeNull();
});

test('while another execution holds the lock, the caller is told to wait instead of racing', () => {
  const { emu, store } = setup();
  const other = emu.startExecution();
  other.run(() => (emu.globals() as any).LockService.getDocumentLock().waitLock(1000));
  const r = emu.runExecution(() => acquireLease(emuEnv(emu), store(), 'me@x.com', 'migration', 120));
  expect(r.ok).toBe(false);
  if (!r.ok) expect(r.message).toMatch(/saving its state right now/);
  other.end();
});

test('displayOwner shows the person, not the sidebar id', () => {
  expect(displayOwner('me@x.com#c-123')).toBe('me@x.com');
  expect(displayOwner('me@x.com')).toBe('me@x.com');
  expect(displayOwner('#c')).toBe('another user');
});
