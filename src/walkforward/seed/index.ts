export { warnDamaged } from './iteration-board.js';
export { explicitResumePoint } from './resume-point.js';
export { type ChartMoment, type TrainedSeed, trainSeed } from './train-seed.js';
export { iterationSeed } from './seeds.js';
export { TrainingSession } from './training-session.js';
export { modelObservation } from './model-observation.js';
