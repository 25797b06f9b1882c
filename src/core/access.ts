// Who may change the sheet through the add-on: the file's owner, plus the users the plan
// lists. Files in shared drives have no owner; there the list decides, or, when it is
// empty, anyone who can edit the file (Drive already limits who that is).
import { Env, SpreadsheetLike } from './gas';
import { MigrationConfig } from './config';

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
  try {
    const o = ss.getOwner();
    ownerEmail = o ? o.getEmail() : null;
  } catch (e) {
    // Fail closed: a lookup that failed must not read as "a shared drive, anyone may act".
    return {
      actor,
      owner: null,
      canAct: false,
      whoCanAct: listed.length ? `the file's owner, ${listed.join(', ')}` : "the file's owner",
      reason: `Sheet Migrator could not find out who owns this file (${e instanceof Error ? e.message : String(e)}), so it cannot check that you may change it. Nothing was changed; try again in a minute.`,
    };
  }
  const owner = ownerEmail ? ownerEmail.trim().toLowerCase() : null;
  const allowed = owner ? [owner].concat(listed) : listed;

  if (!owner && listed.length === 0) {
    return { actor, owner: ownerEmail, canAct: true, whoCanAct: 'anyone who can edit this shared-drive file', reason: null };
  }
  const whoCanAct = allowed.join(', ');
  if (!actor) {
    return {
      actor,
      owner: ownerEmail,
      canAct: false,
      whoCanAct,
      reason:
        'Apps Script did not tell Sheet Migrator who you are, so it cannot check that you may change this sheet. ' +
        `Ask ${whoCanAct} to run the migration, or to add your address to "allowedUsers".`,
    };
  }
  if (allowed.includes(actor)) return { actor, owner: ownerEmail, canAct: true, whoCanAct, reason: null };
  return {
    actor,
    owner: ownerEmail,
    canAct: false,
    whoCanAct,
    reason: `Only ${whoCanAct} can run, restart or roll back this migration; you (${actor}) can see its status. Ask one of them to act, or to add you to "allowedUsers".`,
  };
}
