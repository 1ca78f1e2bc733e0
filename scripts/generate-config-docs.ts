import { readFileSync, writeFileSync } from 'node:fs';
import { settingsFile, withSettingsTable } from '../src/config/settings-table.js';

const file = new URL(`../${settingsFile}`, import.meta.url);
writeFileSync(file, withSettingsTable(readFileSync(file, 'utf8')));
process.stdout.write(`${settingsFile} settings table regenerated from src/config/schema.ts\n`);
