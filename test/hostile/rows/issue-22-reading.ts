/** Issue 22 (hostile inputs, round three): the reading cases. */
import type { Row } from '../harness.js';

export const readingRows: Row[] = [];
