// Builds broken model directories for error tests: copies a fixture into a temp dir, then corrupts one file.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const created: string[] = [];

/** A fresh copy of `sourceDir` in a temp directory (removed by removeTempDirs). */
export function copyModelDir(sourceDir: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cross-encoder-test-'));
  created.push(dir);
  cpSync(sourceDir, dir, { recursive: true });
  return dir;
}

export function emptyTempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cross-encoder-test-'));
  created.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface TensorEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** A safetensors file split into its JSON header and data section. */
export interface SafetensorsParts {
  header: Record<string, TensorEntry | Record<string, string>>;
  data: Buffer;
}

export function readSafetensors(file: string): SafetensorsParts {
  const bytes = readFileSync(file);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as SafetensorsParts['header'];
  return { header, data: bytes.subarray(8 + headerLength) };
}

/** Serialises a header (as given, even if inconsistent) + data; `headerText` overrides the JSON text. */
export function writeSafetensors(file: string, parts: SafetensorsParts, headerText?: string): void {
  let text = headerText ?? JSON.stringify(parts.header);
  // Pad with spaces to 8-byte alignment, as the format's writers do.
  while (Buffer.byteLength(text) % 8 !== 0) text += ' ';
  const headerBytes = Buffer.from(text, 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(headerBytes.length));
  writeFileSync(file, Buffer.concat([length, headerBytes, parts.data]));
}

/** Rewrites `file` after `edit` changed its parsed header in place. */
export function editSafetensorsHeader(file: string, edit: (header: SafetensorsParts['header']) => void): void {
  const parts = readSafetensors(file);
  edit(parts.header);
  writeSafetensors(file, parts);
}

export function tensorNames(file: string): string[] {
  return Object.keys(readSafetensors(file).header).filter((name) => name !== '__metadata__');
}

export function editJson(file: string, edit: (json: Record<string, unknown>) => void): void {
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(json);
  writeFileSync(file, JSON.stringify(json, null, 2));
}

/** Drops tensor `name` and repacks the data section so the remaining tensors stay contiguous. */
export function removeTensor(file: string, name: string): void {
  const { header, data } = readSafetensors(file);
  delete header[name];
  const entries = Object.entries(header)
    .filter(([key]) => key !== '__metadata__')
    .map(([key, value]) => [key, value as TensorEntry] as const)
    .sort((x, y) => x[1].data_offsets[0] - y[1].data_offsets[0]);
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [, entry] of entries) {
    const [begin, end] = entry.data_offsets;
    chunks.push(data.subarray(begin, end));
    entry.data_offsets = [offset, offset + (end - begin)];
    offset += end - begin;
  }
  writeSafetensors(file, { header, data: Buffer.concat(chunks) });
}
