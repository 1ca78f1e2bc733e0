export { warnDamaged } from './iteration-board.js';
export { explicitResumePoint } from './resume-point.js';
export { iterationSeed, type ChartMoment, type TrainedSeed, trainSeed } from './train-seed.js';
export { TrainingSession } from './training-session.js';
