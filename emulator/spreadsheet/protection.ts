// Protection of a sheet or a range. A new protection's editors are its creator and the file's
// owner; writes by anyone else (inside an execution) get Sheets' protected-cell error.
import type { ProtectionLike } from '../../src/core/gas';
import { COST_MODEL } from '../costModel';
import { EMU_ERRORS } from '../errors';
import { makeEnum, strictBase, EnumValue } from '../strict';
import { EmuUser, seenUser } from '../user';
import { BookEnv, canEditProtection, sheetsCall } from './shared';
import { GridBox, ProtectionModel, SheetModel } from './sheetModel';

export const ProtectionType = makeEnum('ProtectionType', ['RANGE', 'SHEET'] as const);

export function newProtection(env: BookEnv, sheet: SheetModel, type: 'SHEET' | 'RANGE', box?: GridBox): EmuProtection {
  const editors = new Set<string>([env.ctx.rt.user]);
  if (env.file.owner) editors.add(env.file.owner);
  const model: ProtectionModel = { type, sheet, box, description: '', editors, warningOnly: false, domainEdit: true, removed: false };
  sheet.protections.push(model);
  return new EmuProtection(env, model);
}

export class EmuProtection extends strictBase('Protection') implements ProtectionLike {
  constructor(private readonly env: BookEnv, readonly model: ProtectionModel) { super(); }

  private call<T>(method: string, mutating: boolean, fn: () => T): T {
    return sheetsCall(this.env, `Protection.${method}`, mutating ? COST_MODEL.sheetRoundTripMs * 2 : COST_MODEL.sheetRoundTripMs, mutating, fn);
  }

  private assertEditor(): void {
    const exec = this.env.ctx.rt.current;
    if (exec && !canEditProtection(this.env, this.model, exec.user)) throw this.env.ctx.rt.error(EMU_ERRORS.protectedCell);
  }

  getProtectionType(): EnumValue { return this.call('getProtectionType', false, () => ProtectionType[this.model.type]); }
  getDescription(): string { return this.call('getDescription', false, () => this.model.description); }
  setDescription(description: string): EmuProtection {
    return this.call('setDescription', true, () => { this.assertEditor(); this.model.description = String(description); return this; });
  }
  canEdit(): boolean { return this.call('canEdit', false, () => canEditProtection(this.env, this.model, this.env.ctx.rt.user)); }
  isWarningOnly(): boolean { return this.call('isWarningOnly', false, () => this.model.warningOnly); }
  setWarningOnly(warningOnly: boolean): EmuProtection {
    return this.call('setWarningOnly', true, () => { this.assertEditor(); this.model.warningOnly = !!warningOnly; return this; });
  }
  canDomainEdit(): boolean { return this.call('canDomainEdit', false, () => this.model.domainEdit); }
  setDomainEdit(editable: boolean): EmuProtection {
    return this.call('setDomainEdit', true, () => { this.assertEditor(); this.model.domainEdit = !!editable; return this; });
  }
  getEditors(): EmuUser[] { return this.call('getEditors', false, () => [...this.model.editors].map((e) => seenUser(this.env.ctx.rt, e))); }
  addEditor(emailAddress: string | { getEmail(): string }): EmuProtection {
    return this.call('addEditor', true, () => { this.assertEditor(); this.model.editors.add(emailOf(emailAddress)); return this; });
  }
  addEditors(emailAddresses: string[]): EmuProtection {
    return this.call('addEditors', true, () => { this.assertEditor(); for (const e of emailAddresses) this.model.editors.add(emailOf(e)); return this; });
  }
  removeEditor(emailAddress: string | { getEmail(): string }): EmuProtection {
    return this.call('removeEditor', true, () => { this.assertEditor(); this.model.editors.delete(emailOf(emailAddress)); return this; });
  }
  removeEditors(emailAddresses: string[]): EmuProtection {
    return this.call('removeEditors', true, () => { this.assertEditor(); for (const e of emailAddresses) this.model.editors.delete(emailOf(e)); return this; });
  }
  remove(): void {
    this.call('remove', true, () => {
      this.assertEditor();
      this.model.removed = true;
      this.model.sheet.protections = this.model.sheet.protections.filter((p) => p !== this.model);
    });
  }
}

function emailOf(x: string | { getEmail(): string }): string {
  return typeof x === 'string' ? x : x.getEmail();
}
