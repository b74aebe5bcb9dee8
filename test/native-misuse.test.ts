// Issue 14: hostile JS inputs to the native addon that crashed the process (heap overwrite, use after free,
// a path cut at NUL). Each runs in a child process; these call the addon directly, skipping lib/'s checks.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';

import { runScenario } from './helpers/scenarios';

describe('native predict copies JS input defensively', () => {
  test('a getter that pushes pairs while they are copied: scores the pairs there were when the call began', () => {
    // Before: the copy was sized once and the loop re-read the length (SIGSEGV).
    assert.deepEqual(runScenario('grow-during-copy'), { scores: 4, lengthAfter: 20004 });
  });

  test('a getter that disposes the handle while pairs are copied: the call owns its model and resolves', () => {
    // Before: the call held a reference to the handle's model_, which dispose() reset (use after free).
    assert.deepEqual(runScenario('dispose-during-copy'), { scores: 3, afterwards: 'ERR_DISPOSED' });
  });

  test('getters that throw, return non-strings or shrink the array; a Proxy; a huge sparse array', () => {
    assert.deepEqual(runScenario('hostile-elements'), {
      throwing: 'Error:getter says no',
      nonString: 'TypeError:predict: pairs[0] holds a non-string',
      shrinking: 'TypeError:predict: pairs[1] is not a pair',
      proxied: 'TypeError:predict: expected an array of pairs',
      sparse: 'TypeError:predict: pairs[0] is not a pair',
      throwingOptions: 'Error:options getter',
    });
  });
});

test('native load rejects a modelDir containing NUL instead of loading the part before it', () => {
  assert.deepEqual(runScenario('nul-path'), { loaded: false, error: 'Error:model directory path contains a NUL byte' });
});
