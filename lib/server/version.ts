// The package's version, read from its package.json (the nearest one above this file: dist/cjs/server or lib/server).
import * as fs from 'node:fs';
import * as path from 'node:path';

export function packageVersion(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const version = (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: unknown }).version;
      return typeof version === 'string' ? version : 'unknown';
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}
