// Tells a local model directory from a hub repo id, and validates repo ids, revisions and repo file names.
import { stat } from 'node:fs/promises';
import * as path from 'node:path';

// Same rules as huggingface_hub's validate_repo_id: one or two parts of [A-Za-z0-9_.-], no "--" or "..",
// a part neither starts nor ends with '-' or '.', at most 96 characters, no ".git" suffix.
const PART = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;
const MAX_REPO_ID_LENGTH = 96;
const VALID_ID_HINT =
  "a valid repo id is 'name' or 'org/name' (letters, digits, '-', '_', '.'; no '--' or '..'; " +
  "not starting or ending with '-' or '.'; at most 96 characters), e.g. 'cross-encoder/ms-marco-MiniLM-L-6-v2'";

/** True when the argument is written as a filesystem path (so it must never be sent to the hub). */
export function looksLikePath(value: string): boolean {
  return (
    path.isAbsolute(value) ||
    path.win32.isAbsolute(value) ||
    value === '.' ||
    value === '..' ||
    value.startsWith('./') ||
    value.startsWith('../') ||
    value.startsWith('.\\') ||
    value.startsWith('..\\') ||
    value.startsWith('~')
  );
}

/** The directory itself when `value` names an existing local path, else undefined. */
export async function existingLocalPath(value: string): Promise<string | undefined> {
  try {
    await stat(value);
    return value;
  } catch {
    return undefined;
  }
}

export function validateRepoId(repoId: string): void {
  const fail = (why: string): never => {
    throw new TypeError(`Invalid model id '${repoId}': ${why}; ${VALID_ID_HINT}, or a path to a local model directory.`);
  };
  if (repoId.length === 0) fail('it is empty');
  if (repoId.length > MAX_REPO_ID_LENGTH) fail(`it is ${repoId.length} characters long`);
  if (repoId.includes('--') || repoId.includes('..')) fail("it contains '--' or '..'");
  if (repoId.endsWith('.git')) fail("it ends with '.git'");
  const parts = repoId.split('/');
  if (parts.length > 2) fail('it has more than one "/"');
  for (const part of parts) if (!PART.test(part)) fail(`'${part}' is not a valid id part`);
}

/** A revision becomes a path under refs/, so it must not be able to climb out of it. */
export function validateRevision(revision: string): void {
  if (
    revision.length === 0 ||
    revision.length > 255 ||
    revision.startsWith('/') ||
    revision.includes('\\') ||
    revision.includes('\0') ||
    revision.split('/').some((s) => s === '' || s === '.' || s === '..')
  ) {
    throw new TypeError(
      `Invalid revision '${revision}': expected a branch, tag or commit sha such as 'main', 'v1.0' or 'refs/pr/1' ` +
        "(no empty, '.' or '..' path segments, no backslashes).",
    );
  }
}

/** A file name taken from the repo (e.g. a shard from the index) becomes a cache path: keep it inside. */
export function isSafeRepoFileName(name: string): boolean {
  return (
    name.length > 0 &&
    !name.startsWith('/') &&
    !name.includes('\\') &&
    !name.includes('\0') &&
    !name.split('/').some((s) => s === '' || s === '.' || s === '..')
  );
}

const COMMIT_SHA = /^[0-9a-f]{40}$/;
export function isCommitSha(revision: string): boolean {
  return COMMIT_SHA.test(revision);
}
