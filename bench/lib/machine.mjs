import { cpus, loadavg, totalmem, release } from 'node:os';

/** What a reader needs to judge numbers from a shared, noisy machine. */
export function machineFacts() {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${release()} ${process.arch}`,
    memoryMB: Math.round(totalmem() / 2 ** 20),
    loadavg1m: Number(loadavg()[0].toFixed(2)),
    date: new Date().toISOString(),
  };
}
