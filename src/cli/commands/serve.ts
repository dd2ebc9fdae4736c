import type { Command } from '../command.js';
import { serveOptionDeclarations } from '../../options/declarations.js';
import { declareOptions } from '../declare-options.js';

/** Flags only: zod, the cookie loader, the server and the kube layer are imported when the command runs. */
export const serveCommand: Command = {
  command: 'serve',
  describe: 'Server mode: the original REST routes (/start/killpod/NAME …), /api/v1, a JSON /api/v2, /metrics',
  builder: (y) =>
    declareOptions(y, serveOptionDeclarations)
      .example('$0 serve --demo', 'the REST API on the simulated cluster; then: curl localhost:8080/start/killpod/horizon')
      .example('$0 serve', 'listen on 127.0.0.1:8080; then: curl localhost:8080/start/killpod/NAME')
      .example('KCM_SERVER_TOKEN=… $0 serve --host 0.0.0.0', 'in a cluster (see deploy/)'),
  run: async (raw, io) => (await import('../serve-main.js')).serveMain(raw, io),
};
