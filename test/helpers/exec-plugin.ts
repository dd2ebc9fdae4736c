import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes an exec credential plugin into `dir` that prints `token` as an ExecCredential, and returns the kubeconfig
 * `user:` entry that runs it.
 */
export function execPluginUser(dir: string, token: string): { exec: { apiVersion: string; command: string } } {
  const apiVersion = 'client.authentication.k8s.io/v1beta1';
  const command = join(dir, 'exec-plugin.mjs');
  writeFileSync(command, `#!${process.execPath}\nprocess.stdout.write(${JSON.stringify(JSON.stringify({ apiVersion, kind: 'ExecCredential', status: { token } }))});\n`);
  chmodSync(command, 0o755);
  return { exec: { apiVersion, command } };
}
