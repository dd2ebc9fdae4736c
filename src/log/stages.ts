import { formatDuration } from '../config/duration.js';
import type { RecoveryStages } from './entries.js';

const labels: [keyof RecoveryStages, string][] = [
  ['terminating', 'terminating'],
  ['gone', 'gone'],
  ['replacement', 'replacement'],
  ['scheduled', 'scheduled'],
  ['ready', 'Ready'],
  ['available', 'available'],
];

/** "gone 2.1s · replacement 40ms · Ready 2.0s · available 2.0s": the stages reached, each from the kill request. */
export function describeStages(stages: RecoveryStages | undefined): string {
  if (!stages) return '';
  return labels.flatMap(([key, label]) => (stages[key] === undefined ? [] : [`${label} ${formatDuration(stages[key])}`])).join(' · ');
}
