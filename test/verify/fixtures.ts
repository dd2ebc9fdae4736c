import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** argv that runs one of test/fixtures/verify/*.mjs with this Node. */
export function fixture(name: string, ...args: string[]): string[] {
  return [process.execPath, fileURLToPath(new URL(`../fixtures/verify/${name}`, import.meta.url)), ...args];
}

/** True while `pid` runs; a zombie waiting to be reaped counts as dead. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}
