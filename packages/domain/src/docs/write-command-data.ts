import { readFileSync, writeFileSync } from 'node:fs';
import { withCommandData } from './command-data.js';

// `pnpm docs:domain`: rewrites the generated command data in docs/domain.md.
const path = new URL('../../../../docs/domain.md', import.meta.url);
writeFileSync(path, withCommandData(readFileSync(path, 'utf8')));
console.log(`wrote the command data into ${path.pathname}`);
