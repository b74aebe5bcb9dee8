// Runs one scenario of native-scenarios.cjs in a child process, so a crash fails one test instead of the suite.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

import { nativeAddonPath } from '../../lib/native';
import { fixtureModelDir } from './paths';

const SCRIPT = path.join(__dirname, 'native-scenarios.cjs');

/** The JSON line the scenario printed; fails with the signal/exit code and stderr when the child died. */
export function runScenario(scenario: string, timeoutMs = 60_000): Record<string, unknown> {
  const result = spawnSync(process.execPath, [SCRIPT, scenario, nativeAddonPath(), fixtureModelDir('tiny-1label-f32')], {
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  assert.equal(result.error, undefined, `could not run ${scenario}: ${String(result.error)}`);
  assert.ok(
    result.status === 0 && result.signal === null,
    `scenario ${scenario} died (status ${result.status}, signal ${result.signal}):\n${result.stderr}`,
  );
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}
