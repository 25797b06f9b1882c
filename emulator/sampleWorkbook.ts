// A deterministic v2.1 workbook shaped like the real one (emulator/fixtures is a copy of
// /work/shared/fixtures/operaciones-v2.1.json): the Operaciones header, rows of plausible
// values (accents, Dates and the text date forms seen in the samples, blanks, a few formula
// cells), and the Trabajadores, Roles and Metadata tabs. Rows are written straight into storage,
// so 147,000 rows take seconds and cost no modelled time.
import fixture from './fixtures/operaciones-v2.1.json';
import type { Emulator } from './index';
import { columnToLetters } from './spreadsheet/a1';
import { SheetModel } from './spreadsheet/sheetModel';
import { EmuSpreadsheet } from './spreadsheet/spreadsheet';
import { SpreadsheetModel } from './spreadsheet/spreadsheetModel';
import { Cell } from './spreadsheet/values';
import { zonedToUtc } from './time';
import { mulberry32 } from './util';

export interface SampleWorkbookOptions {
  /** Data rows of Operaciones (the header is one more). Default 2500. */
  rows?: number;
  /** 65 = the fixture header; more adds 'Extra_N' columns, fewer keeps the first N. */
  columns?: number;
  title?: string;
  headers?: string[];
  seed?: number;
  /** Owner of the file; null = a shared drive (no owner). Default: the emulator's user. */
  owner?: string | null;
  /** Make it the active spreadsheet. Default true. */
  active?: boolean;
  /** Grid beyond the data (Operaciones is exactly its data by default). */
  spareRows?: number;
  spareColumns?: number;
}

export const SAMPLE_FIXTURE = fixture;

const POOLS = {
  ubicacion: ['Taller Ñuñoa', 'Maipú', 'Concepción', 'Valparaíso', 'Peñalolén', 'Patio Quilicura', 'Antofagasta', 'Bodega Señoret'],
  cliente: ['Codelco División Andina', 'Minera Escondida', 'Anglo American Sur', 'Aguas Andinas', 'ENAP Refinería Biobío', 'Compañía Minera Doña Inés'],
  prioridad: ['ALTA', 'MEDIA', 'BAJA'],
  notas: ['Revisión pendiente de soldadura', 'Cañería con corrosión leve', 'Esperando aprobación del cliente', 'Reparación según informe N°12', 'Señalética incompleta'],
  tipoArmado: ['Bridado', 'Soldado', 'Ranurado', 'Roscado'],
  tipoNdt: ['RX', 'UT', 'PT', 'N/A'],
  tipoPh: ['Hidrostática', 'Neumática', 'N/A'],
  revestimiento: ['Galvanizado', 'Epóxico', 'Sin revestimiento'],
  pintura: ['Esmalte sintético', 'Poliuretano', 'Epóxica', 'N/A'],
  embalaje: ['Caja de madera', 'Pallet', 'Granel'],
  armador: ['MR(93)', 'JP(12)', 'CÑ(41)', 'AV(07)'],
  soldador: ['SG(44)', 'RÁ(18)', 'LM(23)', 'PO(31)'],
  taller: ['Pinturas Ñuble', 'Recubrimientos del Maule', 'Taller Interno'],
  okNdt: ['si', 'no', 'Rep'],
  rev: ['0', '1', 'A', 'B'],
  ct: ['CW', 'TW', 'SW'],
};

/** Days from 2025-01-01 at midnight in the workbook's zone: ms, and the fixture's three text forms. */
function dayTable(tz: string, days: number): { ms: number[]; text: string[][] } {
  const ms: number[] = [];
  const text: string[][] = [];
  for (let i = 0; i < days; i++) {
    const d = new Date(Date.UTC(2025, 0, 1 + i));
    const [y, m, day] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
    ms.push(zonedToUtc(y, m, day, 0, 0, 0, 0, tz));
    const p2 = (n: number) => String(n).padStart(2, '0');
    text.push([`${p2(day)}-${p2(m)}-${y}`, `${day}/${m}/${y}`, `${y}-${p2(m)}-${p2(day)}`]);
  }
  return { ms, text };
}

type Gen = (row: number, rnd: () => number, ctx: RowCtx) => Cell;
interface RowCtx { nv: number; ct: string; ot: number; item: number; progress: number; start: number; prices: number[] }

export function createSampleWorkbook(emu: Emulator, opts: SampleWorkbookOptions = {}): EmuSpreadsheet {
  const ctx = emu.context;
  const rows = opts.rows ?? 2500;
  const baseHeaders: string[] = opts.headers ?? fixture.columns;
  const columns = opts.columns ?? baseHeaders.length;
  const headers = columns <= baseHeaders.length ? baseHeaders.slice(0, columns) : [...baseHeaders, ...Array.from({ length: columns - baseHeaders.length }, (_, i) => `Extra_${i + 1}`)];
  const rnd = mulberry32(opts.seed ?? 1);
  // Columns outside the fixture draw from their own stream, so adding them leaves the rest unchanged.
  const extraRnd = mulberry32((opts.seed ?? 1) ^ 0x9e3779b9);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
  const days = dayTable(ctx.timeZone, 800);

  // Fecha_* stages in process order: a row has a date for the first `progress` of them.
  const stageCols = headers.filter((h) => /^Fecha_/.test(h) && h !== 'Fecha_Compromiso' && h !== 'Fecha_Estimada_Entrega');
  const priceCols = ['Precio Fabricación', 'Precio Revestimiento', 'Precio Pintura', 'Precio Embalaje'].map((h) => headers.indexOf(h));
  const totalCol = headers.indexOf('Precio Total');
  const haveAllPrices = totalCol >= 0 && priceCols.every((c) => c >= 0);

  const dateCell = (day: number, row: number): Cell => {
    const d = Math.max(0, Math.min(days.ms.length - 1, day));
    // Two thirds are real Dates; the rest are the text forms of the fixture samples.
    const kind = row % 3;
    return kind < 2 ? new Date(days.ms[d]) : days.text[d][row % 9 < 3 ? 0 : row % 9 < 6 ? 1 : 2];
  };
  const maybe = (p: number, v: () => Cell): Cell => (rnd() < p ? v() : '');
  const code = (prefix: string) => `${prefix}-2025-${String(Math.floor(rnd() * 10000)).padStart(4, '0')}`;

  const gen = (h: string): Gen => {
    const stage = stageCols.indexOf(h);
    if (stage >= 0) return (r, _x, c) => (stage < c.progress ? dateCell(c.start + stage * 4, r) : '');
    switch (h) {
      case 'id': return (r) => r;
      case 'NV': return (_r, _x, c) => c.nv;
      case 'OT': return (_r, _x, c) => c.ot;
      case 'CT': return (_r, _x, c) => c.ct;
      case 'ITEM': return (_r, _x, c) => c.item;
      case 'SPLIT': return () => maybe(0.1, () => pick(['A', 'B']));
      case 'TAG_SPOOL': return (_r, _x, c) => `MK-${c.nv}-${c.ct}-${c.ot}-${String(c.item).padStart(3, '0')}`;
      case 'STATUS_NV': return (_r, _x, c) => (c.progress >= stageCols.length ? 'CERRADA' : 'ABIERTA');
      case 'Status_Spool': return (_r, _x, c) => (c.progress >= stageCols.length ? 'TERMINADO' : 'EN_PROCESO');
      case 'Ubicación': return () => pick(POOLS.ubicacion);
      case 'Cliente': return () => pick(POOLS.cliente);
      case 'OC': return () => `OC-${4500000 + Math.floor(rnd() * 99999)}`;
      case 'Item_OC': return () => 1 + Math.floor(rnd() * 40);
      case 'PLANO_KRONOS N°': return (_r, _x, c) => `KR-${c.ot}-${String(c.item % 50).padStart(2, '0')}`;
      case 'Rev.': return () => pick(POOLS.rev);
      case 'Plano_Referencia': return (_r, _x, c) => `PLN-${c.nv}-${Math.floor(rnd() * 900) + 100}`;
      case 'Marca_Placa': return (_r, _x, c) => `P-${c.item}`;
      case 'Prioridad': return () => pick(POOLS.prioridad);
      case 'Notas': return () => maybe(0.08, () => pick(POOLS.notas));
      case 'Fecha_Compromiso': return (r, _x, c) => dateCell(c.start + 60, r);
      case 'Fecha_Estimada_Entrega': return (r, _x, c) => maybe(0.7, () => dateCell(c.start + 75, r));
      case 'DIAM': return () => pick([1.5, 2, 2.5, 3, 4, 6, 8, 10, 12]);
      case 'PD_Soldadura': case 'PD_Ranurado': case 'PD_Hilo': return () => maybe(0.6, () => Math.round(rnd() * 400) / 10);
      case 'Peso_Kg': return () => Math.round((5 + rnd() * 300) * 10) / 10;
      case 'Area_m2': return () => Math.round((0.2 + rnd() * 25) * 100) / 100;
      case 'Tipo Armado': return () => pick(POOLS.tipoArmado);
      case 'Tipo_NDT': return () => pick(POOLS.tipoNdt);
      case 'Tipo_PH': return () => pick(POOLS.tipoPh);
      case 'Tipo_Revestimiento': return () => pick(POOLS.revestimiento);
      case 'Tipo_Pintura': return () => pick(POOLS.pintura);
      case 'Tipo_Embalaje': return () => pick(POOLS.embalaje);
      case 'Armador': return (_r, _x, c) => (c.progress > 2 ? pick(POOLS.armador) : '');
      case 'Soldador': return (_r, _x, c) => (c.progress > 3 ? pick(POOLS.soldador) : '');
      case 'OK NDT si/no/Rep': return (_r, _x, c) => (c.progress > 5 ? pick(POOLS.okNdt) : '');
      case 'N°_nforme_PT': return (_r, _x, c) => (c.progress > 5 ? code('PT') : '');
      case 'N°_Informe_UT_ RX': return (_r, _x, c) => (c.progress > 5 ? code('RX') : '');
      case 'N°_Informe_PH': return (_r, _x, c) => (c.progress > 6 ? code('PH') : '');
      case 'GD_envio_Pintura': return (_r, _x, c) => (c.progress > 9 ? code('GD') : '');
      case 'Taller_Pintura': return (_r, _x, c) => (c.progress > 9 ? pick(POOLS.taller) : '');
      case 'Informe_Pintura': return (_r, _x, c) => (c.progress > 10 ? code('PIN') : '');
      case 'N°_Acta_Libración': return (_r, _x, c) => (c.progress > 12 ? code('ACT') : '');
      case 'Packing_list': return (_r, _x, c) => (c.progress > 12 ? code('PL') : '');
      case 'Guia_Despacho': return (_r, _x, c) => (c.progress > 13 ? 100000 + Math.floor(rnd() * 900000) : '');
      case 'Precio Fabricación': return (_r, _x, c) => c.prices[0];
      case 'Precio Revestimiento': return (_r, _x, c) => c.prices[1];
      case 'Precio Pintura': return (_r, _x, c) => c.prices[2];
      case 'Precio Embalaje': return (_r, _x, c) => c.prices[3];
      case 'Precio Total': return (_r, _x, c) => c.prices[0] + c.prices[1] + c.prices[2] + c.prices[3];
      case 'FLAG': return () => maybe(0.03, () => 'REVISAR');
      default: return () => (extraRnd() < 0.3 ? `${h}-${Math.floor(extraRnd() * 1000)}` : '');
    }
  };
  const gens = headers.map(gen);

  const book = new SpreadsheetModel(ctx.timeZone, 'es_CL');
  const ops = new SheetModel(0, fixture.sheet, rows + 1 + (opts.spareRows ?? 0), headers.length + (opts.spareColumns ?? 0));
  ops.rows = new Array(rows + 1);
  ops.rows[0] = headers.slice();
  let nv = 1335;
  let ot = 25238;
  let item = 1;
  const sumFormula = haveAllPrices ? (r: number) => `=SUM(${columnToLetters(priceCols[0] + 1)}${r}:${columnToLetters(priceCols[3] + 1)}${r})` : undefined;
  for (let i = 1; i <= rows; i++) {
    // Spools come in runs per NV/OT, as in the real sheet.
    if (rnd() < 0.03) { nv += 1 + Math.floor(rnd() * 9); item = 1; }
    if (rnd() < 0.1) { ot += 1 + Math.floor(rnd() * 50); }
    const progress = Math.floor(rnd() * (stageCols.length + 1));
    const rc: RowCtx = {
      nv, ct: pick(POOLS.ct), ot, item: item++, progress, start: Math.floor(rnd() * 700),
      prices: [100000 + Math.floor(rnd() * 900) * 1000, Math.floor(rnd() * 200) * 500, Math.floor(rnd() * 300) * 500, Math.floor(rnd() * 50) * 1000],
    };
    const line: Cell[] = new Array(gens.length);
    for (let j = 0; j < gens.length; j++) line[j] = gens[j](i, rnd, rc);
    let n = line.length;
    while (n > 0 && line[n - 1] === '') n--;
    line.length = n;
    ops.rows[i] = n > 0 ? line : undefined;
    // A few formula cells: Precio Total as =SUM(...) with its value cached.
    if (sumFormula && i % 50 === 0) ops.setMeta(i + 1, totalCol + 1, 'f', sumFormula(i + 1));
  }
  ops.version++;
  book.sheets.push(ops);

  const nowDate = () => new Date(ctx.rt.clock.now());
  const others: Record<string, Cell[][]> = {
    Trabajadores: [[1, 'María', 'González', true], [2, 'José', 'Muñoz', true], [3, 'Sebastián', 'Peña', false], [4, 'Ñusta', 'Rojas', true], [5, 'Matías', 'Álvarez', true]],
    Roles: [[1, 'Armador', true], [2, 'Soldador', true], [3, 'Control de Calidad', true]],
    Metadata: [1, 2, 3, 4, 5].map((k) => [
      k, nowDate(), 'OPERACION', `MK-1335-CW-25238-${String(k).padStart(3, '0')}`, (k % 5) + 1, ['María González', 'José Muñoz'][k % 2],
      ['ARMADO', 'SOLDADURA'][k % 2], 'INICIAR', nowDate(), JSON.stringify({ origen: 'emulador', ubicación: 'Ñuñoa', k }),
    ]),
  };
  for (const [name, data] of Object.entries(others)) {
    const header = (fixture.otherSheets as Record<string, string[]>)[name];
    const s = new SheetModel(book.newSheetId(() => ctx.rt.random()), name, data.length + 1, header.length);
    s.writeRow(1, 1, header.slice());
    data.forEach((line, i) => s.writeRow(i + 2, 1, line.slice(0, header.length)));
    book.sheets.push(s);
  }

  const owner = opts.owner === undefined ? ctx.rt.defaultUser : opts.owner;
  const rec = ctx.drive.addSpreadsheetFile(opts.title ?? fixture.spreadsheetTitle, owner, book);
  if (opts.active !== false) emu.setActiveSpreadsheet(rec.id);
  return new EmuSpreadsheet(ctx, rec);
}
