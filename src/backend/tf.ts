import { createRequire } from 'node:module';
import type * as TF from '@tensorflow/tfjs';

/**
 * Loads TensorFlow.js packages with require. Importing tfjs's CommonJS bundle from an ES module makes Node scan the
 * whole bundle for export names before loading it: 250 ms against 95 ms, paid by every command and every worker
 * thread. The backends must come through the same loader so that they register with this instance of tfjs.
 */
export const requireTf = createRequire(import.meta.url);

export const tf = requireTf('@tensorflow/tfjs') as typeof TF;
