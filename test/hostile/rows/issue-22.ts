/** Issue 22 (hostile inputs, round three), numbered as its items: ownership 1-3, 13, 14; Redis and jobs 4-7; sweeps 8-10; reading 11-12. */
import { ownershipRows } from './issue-22-ownership.js';
import { queueRows } from './issue-22-queue.js';
import { sweepsRows } from './issue-22-sweeps.js';
import { readingRows } from './issue-22-reading.js';

export const issue22Rows = [...ownershipRows, ...queueRows, ...sweepsRows, ...readingRows];
