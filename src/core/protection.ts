// While a migration runs, the target sheet can be protected so that other editors (and the
// apps that write to it) cannot change rows between the backup and the last check: such a
// write would be missing from the backup, or make the smoke test fail. The protection is
// ours only if it carries our description, so a protection the owner set up is never
// touched, let alone removed.
import { Env, ProtectionLike, SheetLike } from './gas';

export const PROTECTION_DESCRIPTION = 'Sheet Migrator: migration in progress';
/** The rollback protects the tab too (edits between its snapshot and the restore would be lost). */
export const ROLLBACK_PROTECTION_DESCRIPTION = 'Sheet Migrator: rollback in progress';
const OUR_DESCRIPTIONS = [PROTECTION_DESCRIPTION, ROLLBACK_PROTECTION_DESCRIPTION];

/** Protections Sheet Migrator did not add (the owner's, an admin's). */
const foreign = (all: ProtectionLike[]): ProtectionLike[] => all.filter((p) => !OUR_DESCRIPTIONS.includes(p.getDescription()));

/** Sheet protections; Apps Script wants the ProtectionType enum, the emulator accepts either. */
function sheetProtections(env: Env, sheet: SheetLike): ProtectionLike[] {
  const type = env.protectionType ? env.protectionType('SHEET') : 'SHEET';
  return sheet.getProtections(type as 'SHEET');
}

export type ProtectionState = 'ours' | 'preexisting' | 'none';

/**
 * What protects the sheet right now: our protection (the one with `description`), someone
 * else's, or nothing. Sheet Migrator's other protection (migration vs rollback) is not
 * "someone else's": the rollback of an interrupted migration finds the migration's.
 */
export function findProtection(env: Env, sheet: SheetLike, description = PROTECTION_DESCRIPTION): { state: ProtectionState; ours: ProtectionLike[] } {
  const all = sheetProtections(env, sheet);
  const ours = all.filter((p) => p.getDescription() === description);
  if (ours.length) return { state: 'ours', ours };
  return { state: foreign(all).length ? 'preexisting' : 'none', ours: [] };
}

/**
 * Protects the sheet for the migration unless it is already protected. `adoptBlank` lets a
 * resumed run recognise the protection it created in an execution that died between
 * protect() and setDescription(): the run state recorded, before protecting, that the
 * sheet had no protection, so a blank-description one can only be ours.
 */
export function protectForMigration(
  env: Env,
  sheet: SheetLike,
  adoptBlank: boolean,
  owner: string | null = null,
  description = PROTECTION_DESCRIPTION,
  /** Who runs it (the caller's access.actor, when it has one). */
  me = env.activeUser(),
): ProtectionState {
  const all = sheetProtections(env, sheet);
  let protection = all.find((p) => p.getDescription() === description);
  if (!protection) {
    const blank = adoptBlank ? all.find((p) => p.getDescription() === '') : undefined;
    if (!blank && foreign(all).length) return 'preexisting';
    protection = blank || sheet.protect();
    protection.setDescription(description);
  }
  // Also on a resume: an execution may have died between protecting and restricting.
  restrictToMe(protection, owner, me.toLowerCase());
  return 'ours';
}

/**
 * A new protection mirrors the file's sharing until its editors are changed (Apps Script's
 * Protection docs), so keep only the one running the migration (the owner can always edit).
 * Only calls that change something are made.
 */
function restrictToMe(protection: ProtectionLike, owner: string | null, me: string): void {
  const p = protection as ProtectionLike & Partial<ExtraProtection>;
  if (!p.getEditors) return;
  const editors = p.getEditors().map((u) => (typeof u === 'string' ? u : u.getEmail()).toLowerCase());
  if (me && !editors.includes(me) && p.addEditor) p.addEditor(me);
  // The file's owner can always edit; Sheets does not let anyone remove them.
  const others = editors.filter((e) => e && e !== me && e !== (owner || '').toLowerCase());
  if (me && others.length && p.removeEditors) p.removeEditors(others);
  if (p.canDomainEdit && p.canDomainEdit() && p.setDomainEdit) p.setDomainEdit(false);
}

interface ExtraProtection {
  getEditors(): Array<string | { getEmail(): string }>;
  addEditor(email: string): unknown;
  removeEditors(emails: string[]): unknown;
  canDomainEdit(): boolean;
  setDomainEdit(v: boolean): unknown;
}

/** Removes the protection this add-on added (never anyone else's). Returns how many. */
export function removeMigrationProtection(env: Env, sheet: SheetLike, description = PROTECTION_DESCRIPTION): number {
  const { ours } = findProtection(env, sheet, description);
  ours.forEach((p) => p.remove());
  return ours.length;
}
