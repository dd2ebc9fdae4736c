import { readFileSync } from 'node:fs';

/** Our own version, read from our package.json (never the consumer's, which yargs would find). */
export const version: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
