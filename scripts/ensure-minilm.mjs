// Before test:parity: builds test/.cache/models/minilm-ce with tools/reference/build_minilm_ce.py if absent.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const model = join(root, 'test', '.cache', 'models', 'minilm-ce', 'model.safetensors');
if (!existsSync(model)) {
  const python = process.env.PYTHON ?? 'python3';
  console.log(`minilm-ce is missing; running ${python} tools/reference/build_minilm_ce.py`);
  const result = spawnSync(python, [join(root, 'tools', 'reference', 'build_minilm_ce.py')], { cwd: root, stdio: 'inherit' });
  if (result.error || result.status !== 0) {
    console.error(`build_minilm_ce.py failed (${result.error?.message ?? `exit ${result.status}`})`);
    process.exit(1);
  }
}
