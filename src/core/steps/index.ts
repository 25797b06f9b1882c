// The steps in plan order. The plan (config.steps) must list exactly these ids; the build
// validates that, so a lookup here never misses.
import { StepId } from '../types';
import { Step } from './types';
import { createBackup } from './createBackup';
import { addV3Columns } from './addV3Columns';
import { verifySchema } from './verifySchema';
import { initializeVersions } from './initializeVersions';
import { testSmoke } from './testSmoke';

export const STEPS: Record<StepId, Step> = {
  create_backup: createBackup,
  add_v3_columns: addV3Columns,
  verify_schema: verifySchema,
  initialize_versions: initializeVersions,
  test_smoke: testSmoke,
};

export function stepsInPlan(ids: StepId[]): Step[] {
  return ids.map((id) => STEPS[id]);
}
