// DriveApp, File, Folder and their iterators. Like Drive, getFileById still returns a trashed
// file (check isTrashed()); an unknown id throws Drive's "No item with the given ID" text.
import type { DriveFileLike, DriveFolderLike } from '../../src/core/gas';
import { EmuContext } from '../context';
import { COST_MODEL, cellCost } from '../costModel';
import { EMU_ERRORS, SCOPES } from '../errors';
import { CallSpec } from '../runtime';
import { strictBase, strictObject } from '../strict';
import { EmuUser, seenUser } from '../user';
import { FileRecord, FolderRecord, FOLDER_MIME, SHEETS_MIME } from './driveModel';

/** Apps Script's global MimeType (string constants). */
export const MimeType = Object.freeze({ GOOGLE_SHEETS: SHEETS_MIME, FOLDER: FOLDER_MIME, GOOGLE_DOCS: 'application/vnd.google-apps.document', CSV: 'text/csv', PLAIN_TEXT: 'text/plain', HTML: 'text/html', JSON: 'application/json', PDF: 'application/pdf' });

// Reads accept drive.readonly or drive; anything that changes Drive needs drive (Apps Script
// reference, "Authorization" of each DriveApp/File method). drive.file is not among them.
const READ_AUTH: CallSpec['auth'] = { mode: 'FULL', scopes: SCOPES.driveRead };
const WRITE_AUTH: CallSpec['auth'] = { mode: 'FULL', scopes: SCOPES.drive };

function driveCall<T>(ctx: EmuContext, name: string, mutating: boolean, id: string, fn: () => T, cost?: number): T {
  const spec: CallSpec = { cost: cost ?? (mutating ? COST_MODEL.driveWriteMs : COST_MODEL.driveReadMs), auth: mutating ? WRITE_AUTH : READ_AUTH, ...(mutating ? { mutates: { service: 'Drive', id } } : {}) };
  return ctx.rt.call(name, spec, fn);
}

export class EmuFile extends strictBase('File') implements DriveFileLike {
  constructor(private readonly ctx: EmuContext, readonly record: FileRecord) { super(); }

  private call<T>(method: string, mutating: boolean, fn: () => T, cost?: number): T {
    return driveCall(this.ctx, `File.${method}`, mutating, this.record.id, () => {
      const out = fn();
      if (mutating) this.record.updatedAt = this.ctx.rt.clock.now();
      return out;
    }, cost);
  }

  getId(): string { return this.call('getId', false, () => this.record.id, COST_MODEL.localCallMs); }
  getName(): string { return this.call('getName', false, () => this.record.name); }
  setName(name: string): EmuFile { return this.call('setName', true, () => { this.record.name = String(name); return this; }); }
  getDescription(): string { return this.call('getDescription', false, () => this.record.description); }
  setDescription(description: string): EmuFile { return this.call('setDescription', true, () => { this.record.description = String(description); return this; }); }
  getMimeType(): string { return this.call('getMimeType', false, () => this.record.mimeType); }
  getUrl(): string {
    return this.call('getUrl', false, () => (this.record.spreadsheet ? `https://docs.google.com/spreadsheets/d/${this.record.id}/edit?usp=drivesdk` : `https://drive.google.com/file/d/${this.record.id}/view?usp=drivesdk`));
  }
  getDateCreated(): Date { return this.call('getDateCreated', false, () => new Date(this.record.createdAt)); }
  getLastUpdated(): Date { return this.call('getLastUpdated', false, () => new Date(this.record.updatedAt)); }
  /** null for a file in a shared drive, which has no owner. */
  getOwner(): EmuUser | null { return this.call('getOwner', false, () => (this.record.owner === null ? null : seenUser(this.ctx.rt, this.record.owner))); }
  isTrashed(): boolean { return this.call('isTrashed', false, () => this.record.trashed); }
  setTrashed(trashed: boolean): EmuFile { return this.call('setTrashed', true, () => { this.record.trashed = !!trashed; return this; }); }
  getParents(): FolderIterator {
    return this.call('getParents', false, () => new FolderIterator(this.ctx, this.record.parents.map((id) => this.ctx.drive.folders.get(id)!).filter(Boolean)));
  }

  makeCopy(name?: string | DriveFolderLike, destination?: DriveFolderLike): EmuFile {
    const cells = this.record.spreadsheet?.totalCells() ?? 0;
    return this.call('makeCopy', true, () => {
      const [copyName, folderArg] = typeof name === 'string' ? [name, destination] : [`Copy of ${this.record.name}`, name];
      const folder = folderArg ? folderOf(this.ctx, folderArg) : this.ctx.drive.parentFolder(this.record) ?? this.ctx.drive.rootFor(this.ctx.rt.user);
      return new EmuFile(this.ctx, this.ctx.drive.copyFile(this.record, copyName, this.ctx.rt.user, folder));
    }, cellCost(COST_MODEL.fileCopyBaseMs, COST_MODEL.fileCopyPerCellMs, cells));
  }

  /** Moving into a shared drive gives the file up to the drive (no owner). */
  moveTo(destination: DriveFolderLike): EmuFile {
    return this.call('moveTo', true, () => {
      const folder = folderOf(this.ctx, destination);
      this.record.parents = [folder.id];
      if (folder.sharedDrive) this.record.owner = null;
      else if (this.record.owner === null) this.record.owner = this.ctx.rt.user;
      return this;
    });
  }
}

function folderOf(ctx: EmuContext, f: DriveFolderLike): FolderRecord {
  const rec = f instanceof EmuFolder ? f.record : ctx.drive.folders.get(f.getId());
  if (!rec) throw ctx.rt.error(EMU_ERRORS.noItemWithId);
  return rec;
}

export class EmuFolder extends strictBase('Folder') implements DriveFolderLike {
  constructor(private readonly ctx: EmuContext, readonly record: FolderRecord) { super(); }

  private call<T>(method: string, mutating: boolean, fn: () => T, cost?: number): T {
    return driveCall(this.ctx, `Folder.${method}`, mutating, this.record.id, fn, cost);
  }

  getId(): string { return this.call('getId', false, () => this.record.id, COST_MODEL.localCallMs); }
  getName(): string { return this.call('getName', false, () => this.record.name); }
  setName(name: string): EmuFolder { return this.call('setName', true, () => { this.record.name = String(name); return this; }); }
  getUrl(): string { return this.call('getUrl', false, () => `https://drive.google.com/drive/folders/${this.record.id}`); }
  getOwner(): EmuUser | null { return this.call('getOwner', false, () => (this.record.owner === null ? null : seenUser(this.ctx.rt, this.record.owner))); }
  isTrashed(): boolean { return this.call('isTrashed', false, () => this.record.trashed); }
  getFiles(): FileIterator {
    return this.call('getFiles', false, () => new FileIterator(this.ctx, [...this.ctx.drive.files.values()].filter((f) => !f.trashed && f.parents.includes(this.record.id))));
  }
  getFilesByName(name: string): FileIterator {
    return this.call('getFilesByName', false, () => new FileIterator(this.ctx, [...this.ctx.drive.files.values()].filter((f) => !f.trashed && f.name === name && f.parents.includes(this.record.id))));
  }
  getFolders(): FolderIterator {
    return this.call('getFolders', false, () => new FolderIterator(this.ctx, [...this.ctx.drive.folders.values()].filter((f) => !f.trashed && f.parents.includes(this.record.id))));
  }
  createFolder(name: string): EmuFolder {
    return this.call('createFolder', true, () => new EmuFolder(this.ctx, this.ctx.drive.createFolder(String(name), this.record)));
  }
}

abstract class Iter<T, R> extends strictBase('Iterator') {
  private i = 0;
  constructor(protected readonly ctx: EmuContext, private readonly items: R[], private readonly kind: string) { super(); }
  protected abstract wrap(r: R): T;
  hasNext(): boolean { return this.ctx.rt.call(`${this.kind}.hasNext`, { cost: COST_MODEL.localCallMs }, () => this.i < this.items.length); }
  next(): T {
    return this.ctx.rt.call(`${this.kind}.next`, { cost: COST_MODEL.driveReadMs / 10 }, () => {
      if (this.i >= this.items.length) throw this.ctx.rt.error('Cannot retrieve the next object: iterator has reached the end.');
      return this.wrap(this.items[this.i++]);
    });
  }
  getContinuationToken(): string { return this.ctx.rt.call(`${this.kind}.getContinuationToken`, { cost: COST_MODEL.localCallMs }, () => String(this.i)); }
}

export class FileIterator extends Iter<EmuFile, FileRecord> {
  constructor(ctx: EmuContext, items: FileRecord[]) { super(ctx, items, 'FileIterator'); }
  protected wrap(r: FileRecord): EmuFile { return new EmuFile(this.ctx, r); }
}

export class FolderIterator extends Iter<EmuFolder, FolderRecord> {
  constructor(ctx: EmuContext, items: FolderRecord[]) { super(ctx, items, 'FolderIterator'); }
  protected wrap(r: FolderRecord): EmuFolder { return new EmuFolder(this.ctx, r); }
}

export function makeDriveApp(ctx: EmuContext) {
  const read = <T>(method: string, fn: () => T): T => driveCall(ctx, `DriveApp.${method}`, false, '', fn);
  const files = () => [...ctx.drive.files.values()].filter((f) => !f.trashed);
  return strictObject('DriveApp', {
    getFileById: (id: string) => read('getFileById', () => {
      const rec = ctx.drive.files.get(String(id));
      if (!rec) throw ctx.rt.error(EMU_ERRORS.noItemWithId);
      return new EmuFile(ctx, rec);
    }),
    getFolderById: (id: string) => read('getFolderById', () => {
      const rec = ctx.drive.folders.get(String(id));
      if (!rec) throw ctx.rt.error(EMU_ERRORS.noItemWithId);
      return new EmuFolder(ctx, rec);
    }),
    getRootFolder: () => read('getRootFolder', () => new EmuFolder(ctx, ctx.drive.rootFor(ctx.rt.user))),
    getFiles: () => read('getFiles', () => new FileIterator(ctx, files())),
    getFilesByName: (name: string) => read('getFilesByName', () => new FileIterator(ctx, files().filter((f) => f.name === name))),
    getFilesByType: (mimeType: string) => read('getFilesByType', () => new FileIterator(ctx, files().filter((f) => f.mimeType === mimeType))),
    getFoldersByName: (name: string) => read('getFoldersByName', () => new FolderIterator(ctx, [...ctx.drive.folders.values()].filter((f) => !f.trashed && f.name === name))),
    createFolder: (name: string) => driveCall(ctx, 'DriveApp.createFolder', true, '', () => new EmuFolder(ctx, ctx.drive.createFolder(String(name), ctx.drive.rootFor(ctx.rt.user)))),
  });
}
