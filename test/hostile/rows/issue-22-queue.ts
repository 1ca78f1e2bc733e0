/** Issue 22 (hostile inputs, round three): the queue cases. */
import type { Row } from '../harness.js';

export const queueRows: Row[] = [];
