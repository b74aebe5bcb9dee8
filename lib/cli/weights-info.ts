// Reads what `info` reports about a model's weights from the safetensors headers alone (no tensor data):
// dtypes with their parameter counts, and the bytes on disk.
import { open, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';

export interface WeightsInfo {
  /** Parameter count per safetensors dtype (e.g. { F16: 2376193 }). */
  dtypes: Record<string, number>;
  parameters: number;
  /** Bytes of the weight files. */
  bytes: number;
  files: string[];
}

const INDEX = 'model.safetensors.index.json';
// A header is a few hundred KB even for large models; this bound keeps a corrupt length from allocating GBs.
const MAX_HEADER = 100 * 1024 * 1024;

async function weightFiles(dir: string): Promise<string[]> {
  try {
    const index = JSON.parse(await readFile(path.join(dir, INDEX), 'utf8')) as { weight_map?: Record<string, string> };
    return [...new Set(Object.values(index.weight_map ?? {}))].sort();
  } catch {
    return ['model.safetensors'];
  }
}

async function readHeader(file: string): Promise<Record<string, { dtype?: string; shape?: number[] }>> {
  const handle = await open(file, 'r');
  try {
    const lengthBytes = Buffer.alloc(8);
    await handle.read(lengthBytes, 0, 8, 0);
    const length = Number(lengthBytes.readBigUInt64LE(0));
    if (length <= 0 || length > MAX_HEADER) throw new Error(`${file}: safetensors header length ${length} is not plausible`);
    const header = Buffer.alloc(length);
    await handle.read(header, 0, length, 8);
    return JSON.parse(header.toString('utf8')) as Record<string, { dtype?: string; shape?: number[] }>;
  } finally {
    await handle.close();
  }
}

export async function weightsInfo(dir: string): Promise<WeightsInfo> {
  const files = await weightFiles(dir);
  const dtypes: Record<string, number> = {};
  let parameters = 0;
  let bytes = 0;
  for (const name of files) {
    const file = path.join(dir, name);
    bytes += (await stat(file)).size;
    for (const [key, entry] of Object.entries(await readHeader(file))) {
      if (key === '__metadata__' || !entry.dtype || !Array.isArray(entry.shape)) continue;
      const count = entry.shape.reduce((a, b) => a * b, 1);
      dtypes[entry.dtype] = (dtypes[entry.dtype] ?? 0) + count;
      parameters += count;
    }
  }
  return { dtypes, parameters, bytes, files };
}
