// Apps Script's User, as returned by Session.getActiveUser(), File.getOwner(), Protection.getEditors().
import type { Runtime } from './runtime';
import { strictBase } from './strict';

export class EmuUser extends strictBase('User') {
  constructor(private readonly email: string) { super(); }
  getEmail(): string { return this.email; }
  toString(): string { return this.email; }
}

/**
 * The User Apps Script hands out for `email` (an owner, a protection's editor), as the running
 * user sees it: a withheld address reads '' to everyone but its own user. Outside executions
 * (set-up, inspection) nothing is withheld.
 */
export function seenUser(rt: Runtime, email: string): EmuUser {
  return new EmuUser(rt.current && rt.withheldEmails.has(email.toLowerCase()) && email.toLowerCase() !== rt.user.toLowerCase() ? '' : email);
}
