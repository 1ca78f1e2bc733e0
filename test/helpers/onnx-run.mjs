// Runs an ONNX model with onnxruntime-node outside Jest's module sandbox, whose typed-array classes are not those the
// native binding makes (an int64 output fails its instanceof check there). Usage: node onnx-run.mjs model.onnx obs.f32 obsDim
// prints { inputNames, outputNames, action: number[] } as JSON.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';

const [model, observations, obsDim] = process.argv.slice(2);
const bytes = readFileSync(observations);
const batch = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
const session = await ort.InferenceSession.create(readFileSync(model));
const result = await session.run({ observation: new ort.Tensor('float32', batch, [batch.length / Number(obsDim), Number(obsDim)]) });
process.stdout.write(
  JSON.stringify({ inputNames: session.inputNames, outputNames: session.outputNames, action: Array.from(result.action.data, Number) }),
);
