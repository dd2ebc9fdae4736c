import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CookieError } from '../errors.js';

/**
 * Writes `contents` so that readers see the old file or the new one, never half of it: a temporary file in the same
 * directory, flushed to disk, then renamed over `path`. Creates missing parent directories. A failure is a usage
 * error that names `path` (not the temporary file).
 */
export async function writeFileAtomic(path: string, contents: string | Uint8Array): Promise<void> {
  try {
    await writeThroughTemp(path, contents);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    throw new CookieError('usage', `cannot write ${path}: ${describeCode(reason)}`, { cause: error, details: { path } });
  }
}

function describeCode(code: string): string {
  const meanings: Record<string, string> = {
    EACCES: 'permission denied (EACCES)',
    EISDIR: 'it is a directory (EISDIR)',
    ENOTDIR: 'a parent path is a file, not a directory (ENOTDIR)',
    // mkdir of the parent folders, where one of them is a file.
    EEXIST: 'a parent path is a file, not a directory (EEXIST)',
    EROFS: 'read-only file system (EROFS)',
    ENOSPC: 'no space left on device (ENOSPC)',
  };
  return meanings[code] ?? code;
}

async function writeThroughTemp(path: string, contents: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const file = await open(temp, 'wx', 0o644);
    try {
      await file.writeFile(contents);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
