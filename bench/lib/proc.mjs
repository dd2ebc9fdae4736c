import { spawn } from 'node:child_process';

/**
 * Runs a command to completion and returns its wall time in ms (from spawn to exit) plus its output.
 * Rejects when it exits with a code other than `expectCode`, quoting the end of stderr.
 */
export function runTimed(command, args, { cwd, env, expectCode = 0, input } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== expectCode) {
        const tail = stderr.trim().split('\n').slice(-3).join(' / ');
        reject(new Error(`${command} ${args.join(' ')} exited ${code ?? signal} (expected ${expectCode}): ${tail}`));
        return;
      }
      resolve({ ms, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}
