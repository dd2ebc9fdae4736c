// Preloaded with `node --import` into a measured process: at exit, writes its peak RSS (kB) to $KCM_BENCH_RSS_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.KCM_BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
