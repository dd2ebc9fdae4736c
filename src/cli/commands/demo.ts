import type { Command } from '../command.js';
import { declareRunFlags } from '../run-flags.js';

export const demoCommand: Command = {
  command: 'demo',
  describe: 'The whole run on a built-in simulated cluster (in-process Kubernetes API on 127.0.0.1): try it without a cluster',
  builder: (y) =>
    declareRunFlags(y)
      .option('seconds', { type: 'number', default: 12, describe: "how long the demo's verification command runs" })
      .usage('$0 demo [run options] [-- <verification command>]')
      .example('$0 demo', 'kill pods in the simulated openstack namespace while a sample check runs')
      .example('$0 demo --dry-run --seed 7 --log-format legacy', 'the same, deleting nothing, in the original wording'),
  run: async (raw, io) => (await import('../demo-main.js')).demoMain(raw, io),
};
