// Apps Script's User, as returned by Session.getActiveUser(), File.getOwner(), Protection.getEditors().
import { strictBase } from './strict';

export class EmuUser extends strictBase('User') {
  constructor(private readonly email: string) { super(); }
  getEmail(): string { return this.email; }
  toString(): string { return this.email; }
}
