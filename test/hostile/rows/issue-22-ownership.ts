/** Issue 22 (hostile inputs, round three): the ownership cases. */
import type { Row } from '../harness.js';

export const ownershipRows: Row[] = [];
