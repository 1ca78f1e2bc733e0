/** Issue 22 (hostile inputs, round three): the sweeps cases. */
import type { Row } from '../harness.js';

export const sweepsRows: Row[] = [];
