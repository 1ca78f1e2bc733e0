import { readFileSync, writeFileSync } from 'node:fs';
import { withSettingsTable } from '../src/config/settings-table.js';

const file = new URL('../README.md', import.meta.url);
writeFileSync(file, withSettingsTable(readFileSync(file, 'utf8')));
process.stdout.write('README.md settings table regenerated from src/config/schema.ts\n');
