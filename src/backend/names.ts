/** The TensorFlow.js backends a run can ask for; auto picks the best available (see select-backend.ts). */
export const backendNames = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof backendNames)[number];
