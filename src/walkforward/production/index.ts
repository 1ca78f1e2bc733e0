export { runProduction } from './run-production.js';
