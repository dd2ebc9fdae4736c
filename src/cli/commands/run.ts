import type { Command } from '../command.js';
import { declareRunFlags } from '../run-flags.js';

/** Flags only: the implementation (zod, the kube layer, the reports) is imported when the command runs. */
export const runCommand: Command = {
  command: 'run',
  describe: 'Deploy check, cookies in the background, your verification command, recovery, JUnit XML — one CI step',
  builder: (y) =>
    declareRunFlags(y)
      .usage('$0 run [options] -- <verification command and args>')
      .example('$0 run --cookie openstack-random-deployment --max-recovery 60s -- npm test', 'kill pods while the tests run')
      .example('$0 run --rally task.yaml --helm-release openstack/openstack', 'the Rally preset after a Helm deploy check')
      .example('$0 run --dry-run --seed 42 --chaos-duration 2m', 'show which pods would die, delete nothing'),
  run: async (raw, io) => (await import('../run-main.js')).runMain(raw, io),
};
