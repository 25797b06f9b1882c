// Who may change the sheet through the add-on: the file's owner, plus the users the plan
// lists. Files in shared drives have no owner; there the list decides, or, when it is
// empty, anyone who can edit the file (Drive already limits who that is).
import { Env, SpreadsheetLike } from './gas';
import { MigrationConfig } from './config';
import { errorText } from './retry';

export interface Access {
  actor: string;
  /** The file's owner as Apps Script reports it (null in shared drives); looked up once per execution. */
  owner: string | null;
  canAct: boolean;
  /** Plain words for the sidebar: who can run, force or roll back. */
  whoCanAct: string;
  /** Set when canAct is false: what happened and what to do. */
  reason: string | null;
}

export function checkAccess(env: Env, ss: SpreadsheetLike, config: Pick<MigrationConfig, 'allowedUsers'>): Access {
  const actor = env.activeUser().trim().toLowerCase();
  const listed = config.allowedUsers.map((u) => u.trim().toLowerCase());
  let ownerEmail: string | null = null;
  const result = (canAct: boolean, whoCanAct: string, reason: string | null = null): Access => ({ actor, owner: ownerEmail, canAct, whoCanAct, reason });
  try {
    const o = ss.getOwner();
    ownerEmail = o ? o.getEmail() : null;
  } catch (e) {
    // Fail closed: a lookup that failed must not read as "a shared drive, anyone may act".
    return result(
      false,
      ["the file's owner"].concat(listed).join(', '),
      `Sheet Migrator could not find out who owns this file (${errorText(e)}), so it cannot check that you may change it. Nothing was changed; try again in a minute.`,
    );
  }
  const owner = ownerEmail ? ownerEmail.trim().toLowerCase() : null;
  const allowed = owner ? [owner].concat(listed) : listed;
  if (!allowed.length) return result(true, 'anyone who can edit this shared-drive file');
  const who = allowed.join(', ');
  if (!actor) {
    return result(false, who, `Apps Script did not tell Sheet Migrator who you are, so it cannot check that you may change this sheet. Ask ${who} to run the migration, or to add your address to "allowedUsers".`);
  }
  if (allowed.includes(actor)) return result(true, who);
  return result(false, who, `Only ${who} can run, restart or roll back this migration; you (${actor}) can see its status. Ask one of them to act, or to add you to "allowedUsers".`);
}
