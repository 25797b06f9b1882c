// The plan is data; a wrong plan must be stopped by the build with a message that names
// every problem, never reach a sheet.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { parseConfig, validateConfig } from '../../src/core/config';

const ROOT = path.resolve(__dirname, '..', '..');
const shipped = JSON.parse(fs.readFileSync(path.join(ROOT, 'src', 'migration.config.json'), 'utf8'));

describe('migration config', () => {
  test('the shipped plan is valid and says what the v2.1 -> v3.0 plan says', () => {
    expect(validateConfig(shipped)).toEqual([]);
    const c = parseConfig(shipped);
    expect(c.targetSheet).toBe('Operaciones');
    expect(c.headerRow).toBe(1);
    expect(c.newColumns).toEqual([
      { name: 'Ocupado_Por', initialValue: '' },
      { name: 'Fecha_Ocupacion', initialValue: '' },
      { name: 'version', initialValue: 0 },
    ]);
    expect(c.steps).toEqual(['create_backup', 'add_v3_columns', 'verify_schema', 'initialize_versions', 'test_smoke']);
    expect(c.rollbackWindowDays).toBe(7);
    expect(c.smokeSampleSize).toBe(10);
    expect(c.expectedColumnCountBefore).toBeNull();
  });

  test('every problem is reported at once', () => {
    const bad = {
      ...shipped,
      targetSheet: '',
      newColumns: [{ name: 'version', initialValue: 0 }, { name: 'Version ', initialValue: null }],
      steps: ['add_v3_columns', 'create_backup'],
      rollbackWindowDays: 0,
      backupNamePattern: 'backup',
      allowedUsers: ['not-an-email'],
    };
    const problems = validateConfig(bad);
    for (const words of ['"targetSheet"', 'leading or trailing spaces', 'twice', 'initialValue', '"steps"', '"rollbackWindowDays"', '{yyyyMMdd_HHmmss}', '"allowedUsers"']) {
      expect(problems.join('\n')).toContain(words);
    }
    expect(() => parseConfig(bad)).toThrow(/Invalid migration config/);
  });

  test('each setting is checked: whole-number ranges, booleans, nullable and optional keys', () => {
    const { chunkCells: _omitted, ...noChunkCells } = shipped;
    expect(validateConfig({ ...noChunkCells, expectedColumnCountBefore: 65, timeBudgetSeconds: 300 })).toEqual([]);
    expect(validateConfig({ ...shipped, expectedColumnCountBefore: null, timeBudgetSeconds: 5, leaseSeconds: 10, chunkCells: 1000 })).toEqual([]);
    const cases: Array<[string, unknown, string]> = [
      ['headerRow', 1.5, '"headerRow" must be a whole number >= 1'],
      ['expectedColumnCountBefore', 0, '"expectedColumnCountBefore" must be null or a whole number >= 1'],
      ['rollbackWindowDays', '7', '"rollbackWindowDays" must be a whole number >= 1'],
      ['smokeSampleSize', 0, '"smokeSampleSize" must be a whole number >= 1'],
      ['timeBudgetSeconds', 301, '"timeBudgetSeconds" must be a whole number from 5 to 300'],
      ['timeBudgetSeconds', 4, '"timeBudgetSeconds" must be a whole number from 5 to 300'],
      ['chunkRows', null, '"chunkRows" must be a whole number >= 1'],
      ['chunkCells', 999, '"chunkCells" must be a whole number >= 1000'],
      // Each key has its own "not set": null for one, absent for the other, never both.
      ['expectedColumnCountBefore', undefined, '"expectedColumnCountBefore" must be null or a whole number >= 1'],
      ['chunkCells', null, '"chunkCells" must be a whole number >= 1000'],
      ['leaseSeconds', 9, '"leaseSeconds" must be a whole number >= 10'],
      ['dryRun', 'no', '"dryRun" must be true or false'],
      ['protectDuringMigration', 1, '"protectDuringMigration" must be true or false'],
      ['fromVersion', ' ', '"fromVersion" must be a non-empty string'],
      ['backupFolderId', '', '"backupFolderId" must be null or a Drive folder id'],
      ['logLevel', 'TRACE', '"logLevel" must be one of DEBUG, INFO, WARN, ERROR'],
    ];
    for (const [key, value, problem] of cases) expect({ key, value, problems: validateConfig({ ...shipped, [key]: value }) }).toEqual({ key, value, problems: [problem] });
  });

  test('the build refuses a wrong plan with a clear message, and accepts the shipped one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sm-config-'));
    const badFile = path.join(dir, 'bad.json');
    fs.writeFileSync(badFile, JSON.stringify({ ...shipped, headerRow: 0, timeBudgetSeconds: 400 }));
    const bad = spawnSync(process.execPath, ['build.js', '--check-config', badFile], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/build failed: .*bad\.json is wrong/);
    expect(bad.stderr).toContain('"headerRow" must be a whole number >= 1');
    expect(bad.stderr).toContain('"timeBudgetSeconds"');
    expect(bad.stderr).toContain('Fix the file and build again.');

    const brokenFile = path.join(dir, 'broken.json');
    fs.writeFileSync(brokenFile, '{ "targetSheet": ');
    const broken = spawnSync(process.execPath, ['build.js', '--check-config', brokenFile], { cwd: ROOT, encoding: 'utf8' });
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/broken\.json is not valid JSON/);

    const good = spawnSync(process.execPath, ['build.js', '--check-config', path.join(ROOT, 'src', 'migration.config.json')], { cwd: ROOT, encoding: 'utf8' });
    expect(good.status).toBe(0);
  });
});
