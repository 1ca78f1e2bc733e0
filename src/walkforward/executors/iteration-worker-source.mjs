// Entry of the iteration worker when the pipeline runs from TypeScript source (tsx, jest): worker threads do not
// inherit tsx's loader, so it is registered here before the worker module loads. Built code uses the .js worker.
import { register } from 'tsx/esm/api';

register();
await import('./iteration-worker.ts');
