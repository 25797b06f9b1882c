// Who may change the sheet through the add-on: the file's owner, plus the users the plan
// lists. Fails closed: Apps Script answers "" for an address it withholds (an owner outside
// the domain, a consumer account, a user who declined the email scope) and null for the owner
// of a shared-drive file, and neither may ever read as "anyone may act". Then only the users
// the plan lists can act, and nobody when it lists none; everyone may still read.
import { Env, SpreadsheetLike } from './gas';
import { MigrationConfig } from './config';
import { errorText } from './retry';

export interface Access {
  actor: string;
  /** The file's owner as Apps Script reports it (null in shared drives, '' when withheld); looked up once per execution. */
  owner: string | null;
  canAct: boolean;
  /** Plain words for the sidebar: who can run, force or roll back; '' when nobody can yet. */
  whoCanAct: string;
  /** Set when canAct is false: what happened and what to do. */
  reason: string | null;
}

/** Where the list lives; whoever maintains the add-on edits it, then pushes (README, deploying). */
const IN_LIST = '"allowedUsers" in src/migration.config.json and push the add-on again';

export function checkAccess(env: Env, ss: SpreadsheetLike, config: Pick<MigrationConfig, 'allowedUsers'>): Access {
  const actor = env.activeUser().trim().toLowerCase();
  const listed = config.allowedUsers.map((u) => u.trim().toLowerCase());
  let ownerEmail: string | null = null;
  const result = (canAct: boolean, whoCanAct: string, reason: string | null = null): Access => ({ actor, owner: ownerEmail, canAct, whoCanAct, reason });
  try {
    const o = ss.getOwner();
    ownerEmail = o ? String(o.getEmail() || '') : null;
  } catch (e) {
    // Fail closed: a lookup that failed must not read as "a shared drive, anyone may act".
    return result(
      false,
      ["the file's owner"].concat(listed).join(', '),
      `Sheet Migrator could not find out who owns this file (${errorText(e)}), so it cannot check that you may change it. Nothing was changed; try again in a minute.`,
    );
  }
  const owner = ownerEmail ? ownerEmail.trim().toLowerCase() : '';
  // An owner whose address is withheld still owns the file (and sees their own address), so
  // only they and the listed users may act; a shared-drive file has no owner at all.
  const hidden = ownerEmail !== null && !owner;
  const who = (owner ? [owner] : hidden ? ["the file's owner"] : []).concat(listed).join(', ');
  const readOnly = 'you can still see the status, dry-run and verify';
  if (!who) {
    return result(false, '', `This file is in a shared drive, which has no owner, and "allowedUsers" names nobody, so nobody may change it through Sheet Migrator; ${readOnly}. To let someone act, add their address to ${IN_LIST}.`);
  }
  if (!actor) {
    return result(false, who, `Apps Script did not tell Sheet Migrator who you are, so it cannot check that you may change this sheet; ${readOnly}. If you declined to share your email address when authorising, open the add-on again and allow it; otherwise ask ${who} to run the migration, or to add your address to "allowedUsers".`);
  }
  if (actor === owner || listed.includes(actor)) return result(true, who);
  if (hidden) {
    return result(false, who, `Apps Script does not tell Sheet Migrator the address of this file's owner (an account outside your domain, for one), so it cannot check that you may change it; ${readOnly}. Ask the owner to run the migration, or to add your address to ${IN_LIST}.`);
  }
  return result(false, who, `Only ${who} can run, restart or roll back this migration; you (${actor}) can see its status. Ask one of them to act, or to add you to "allowedUsers".`);
}
