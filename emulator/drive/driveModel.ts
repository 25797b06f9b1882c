// Drive's data: files and folders. A spreadsheet is a file whose record carries its
// SpreadsheetModel; a file in a shared drive has no owner (null), as in Drive.
import { SpreadsheetModel } from '../spreadsheet/spreadsheetModel';

export const SHEETS_MIME = 'application/vnd.google-apps.spreadsheet';
export const FOLDER_MIME = 'application/vnd.google-apps.folder';

export interface FileRecord {
  id: string;
  name: string;
  mimeType: string;
  owner: string | null;
  trashed: boolean;
  parents: string[];
  createdAt: number;
  updatedAt: number;
  description: string;
  spreadsheet?: SpreadsheetModel;
}

export interface FolderRecord {
  id: string;
  name: string;
  owner: string | null;
  parents: string[];
  /** True for a shared drive and the folders inside it: files there have no owner. */
  sharedDrive: boolean;
  trashed: boolean;
}

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export class DriveStore {
  readonly files = new Map<string, FileRecord>();
  readonly folders = new Map<string, FolderRecord>();
  private readonly roots = new Map<string, string>();
  readonly sharedDriveId: string;

  constructor(private readonly random: () => number, private readonly now: () => number) {
    this.sharedDriveId = this.newId('0A', 19);
    this.folders.set(this.sharedDriveId, { id: this.sharedDriveId, name: 'Shared drive', owner: null, parents: [], sharedDrive: true, trashed: false });
  }

  /** Drive-like ids: 44 characters for files, as Sheets ids are. */
  newId(prefix = '1', length = 44): string {
    let s = prefix;
    while (s.length < length) s += ID_CHARS[Math.floor(this.random() * ID_CHARS.length)];
    return s;
  }

  /** The user's "My Drive" root folder. */
  rootFor(user: string): FolderRecord {
    let id = this.roots.get(user);
    if (!id) {
      id = this.newId('0A', 19);
      this.roots.set(user, id);
      this.folders.set(id, { id, name: 'My Drive', owner: user, parents: [], sharedDrive: false, trashed: false });
    }
    return this.folders.get(id)!;
  }

  createFolder(name: string, parent: FolderRecord): FolderRecord {
    const f: FolderRecord = { id: this.newId('1', 33), name, owner: parent.sharedDrive ? null : parent.owner, parents: [parent.id], sharedDrive: parent.sharedDrive, trashed: false };
    this.folders.set(f.id, f);
    return f;
  }

  /** Where a new file of `owner` goes: their root, or the shared drive for owner null. */
  defaultParent(owner: string | null): FolderRecord {
    return owner === null ? this.folders.get(this.sharedDriveId)! : this.rootFor(owner);
  }

  addSpreadsheetFile(name: string, owner: string | null, model: SpreadsheetModel, parent?: FolderRecord): FileRecord {
    const folder = parent ?? this.defaultParent(owner);
    const now = this.now();
    const rec: FileRecord = {
      id: this.newId(), name, mimeType: SHEETS_MIME, owner: folder.sharedDrive ? null : owner, trashed: false,
      parents: [folder.id], createdAt: now, updatedAt: now, description: '', spreadsheet: model,
    };
    this.files.set(rec.id, rec);
    return rec;
  }

  /** A copy of a file (deep copy of its spreadsheet) made by `user` into `folder`. */
  copyFile(src: FileRecord, name: string, user: string, folder: FolderRecord): FileRecord {
    const model = src.spreadsheet ? src.spreadsheet.clone() : undefined;
    const now = this.now();
    const rec: FileRecord = {
      id: this.newId(), name, mimeType: src.mimeType, owner: folder.sharedDrive ? null : user, trashed: false,
      parents: [folder.id], createdAt: now, updatedAt: now, description: src.description, spreadsheet: model,
    };
    this.files.set(rec.id, rec);
    return rec;
  }

  parentFolder(rec: FileRecord): FolderRecord | undefined {
    return this.folders.get(rec.parents[0]);
  }
}
