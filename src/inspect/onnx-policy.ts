import onnxPackage from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import { voteWeight } from '../agent/ensemble.js';

const { onnx } = onnxPackage;

/** ONNX opset 13 (ArgMax with select_last_index, OneHot, Sum, Gemm) and the IR version onnxruntime pairs with it. */
export const ONNX_OPSET = 13;
const IR_VERSION = 7;

/** Names of the graph's inputs and outputs: the contract a user of the exported file relies on. */
export const ONNX_NAMES = { input: 'observation', action: 'action', qValues: 'q_values', votes: 'votes' } as const;

/** One Q-network's weights in the tfjs layout: [kernel_1 (in x out, row-major), bias_1, kernel_2, bias_2, ...]. */
export type NetworkWeights = readonly Float32Array[];

export interface OnnxPolicySpec {
  obsDim: number;
  nActions: number;
  /** One network, or a vote's members with their ranks (agent/ensemble.ts). */
  policy: { kind: 'network'; weights: NetworkWeights } | { kind: 'vote'; members: readonly NetworkWeights[]; ranks: readonly number[] };
  /** Written as the model's metadata_props, in this order. */
  metadata: ReadonlyArray<[string, string]>;
  producerVersion: string;
}

/**
 * The greedy policy as an ONNX model, encoded with the onnx-proto definitions. Input `observation` float32
 * [batch, obsDim]. One network: Gemm (+ Relu between layers) to `q_values` [batch, nActions], then ArgMax to `action`
 * int64 [batch]. A vote: each member's Gemm stack and ArgMax, OneHot of that action valued with the member's vote
 * weight 1 + 2^(rank - m), Sum to `votes`, ArgMax to `action` - what VotePolicy adds up. ArgMax keeps the first of tied
 * values (select_last_index 0), as tf.argMax and VotePolicy do.
 */
export function encodeOnnxPolicy(spec: OnnxPolicySpec): Uint8Array {
  const graph = new GraphBuilder();
  const { obsDim, nActions } = spec;
  let outputs: Array<{ name: string; type: 'float' | 'int64'; shape: Array<number | 'batch'> }>;
  if (spec.policy.kind === 'network') {
    const q = graph.network('', spec.policy.weights, obsDim, nActions, ONNX_NAMES.qValues);
    graph.argMax(q, ONNX_NAMES.action);
    outputs = [
      { name: ONNX_NAMES.action, type: 'int64', shape: ['batch'] },
      { name: ONNX_NAMES.qValues, type: 'float', shape: ['batch', nActions] },
    ];
  } else {
    const { members, ranks } = spec.policy;
    if (members.length !== ranks.length) throw new RangeError(`${members.length} members but ${ranks.length} ranks`);
    const depth = graph.constant('depth', onnx.TensorProto.DataType.INT64, [1], [nActions]);
    const ballots = members.map((weights, k) => {
      const q = graph.network(`m${k}_`, weights, obsDim, nActions, `m${k}_q_values`);
      const choice = graph.argMax(q, `m${k}_action`);
      const values = graph.constant(`m${k}_vote_values`, onnx.TensorProto.DataType.FLOAT, [2], [0, voteWeight(ranks[k], members.length)]);
      return graph.node('OneHot', [choice, depth, values], `m${k}_ballot`, [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: -1 }]);
    });
    graph.node('Sum', ballots, ONNX_NAMES.votes);
    graph.argMax(ONNX_NAMES.votes, ONNX_NAMES.action);
    outputs = [
      { name: ONNX_NAMES.action, type: 'int64', shape: ['batch'] },
      { name: ONNX_NAMES.votes, type: 'float', shape: ['batch', nActions] },
    ];
  }
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'wfo-rl',
    producerVersion: spec.producerVersion,
    docString: 'Greedy trading policy exported by wfo export; see metadata_props for the observation and the action-to-position map.',
    graph: onnx.GraphProto.create({
      name: spec.policy.kind === 'vote' ? 'vote_policy' : 'greedy_policy',
      node: graph.nodes,
      initializer: graph.initializers,
      input: [valueInfo(ONNX_NAMES.input, 'float', ['batch', obsDim])],
      output: outputs.map((o) => valueInfo(o.name, o.type, o.shape)),
    }),
    metadataProps: spec.metadata.map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(model).finish();
}

class GraphBuilder {
  readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  readonly initializers: InstanceType<typeof onnx.TensorProto>[] = [];

  constant(name: string, dataType: number, dims: number[], values: ArrayLike<number>): string {
    const tensor =
      dataType === onnx.TensorProto.DataType.FLOAT
        ? { name, dataType, dims, floatData: Array.from(values) }
        : { name, dataType, dims, int64Data: Array.from(values) };
    this.initializers.push(onnx.TensorProto.create(tensor));
    return name;
  }

  node(opType: string, inputs: string[], output: string, attribute: OnnxTypes.IAttributeProto[] = []): string {
    this.nodes.push(onnx.NodeProto.create({ name: output, opType, input: inputs, output: [output], attribute }));
    return output;
  }

  argMax(input: string, output: string): string {
    const int = onnx.AttributeProto.AttributeType.INT;
    return this.node('ArgMax', [input], output, [
      { name: 'axis', type: int, i: 1 },
      { name: 'keepdims', type: int, i: 0 },
      { name: 'select_last_index', type: int, i: 0 },
    ]);
  }

  /** Dense layers from the tfjs weights (kernel in x out, as Gemm's B without transposition), ReLU between them. */
  network(prefix: string, weights: NetworkWeights, obsDim: number, nActions: number, output: string): string {
    if (weights.length === 0 || weights.length % 2 !== 0) throw new RangeError(`a network needs kernel and bias pairs, got ${weights.length} arrays`);
    const layers = weights.length / 2;
    let h: string = ONNX_NAMES.input;
    let inDim = obsDim;
    for (let l = 0; l < layers; l++) {
      const kernel = weights[2 * l];
      const bias = weights[2 * l + 1];
      const units = bias.length;
      if (kernel.length !== inDim * units) throw new RangeError(`layer ${l + 1}: kernel has ${kernel.length} values, expected ${inDim} x ${units}`);
      const last = l === layers - 1;
      if (last && units !== nActions) throw new RangeError(`the output layer has ${units} units, expected one per action (${nActions})`);
      const w = this.constant(`${prefix}dense_${l + 1}_kernel`, onnx.TensorProto.DataType.FLOAT, [inDim, units], kernel);
      const b = this.constant(`${prefix}dense_${l + 1}_bias`, onnx.TensorProto.DataType.FLOAT, [units], bias);
      const z = this.node('Gemm', [h, w, b], last ? output : `${prefix}dense_${l + 1}`);
      h = last ? z : this.node('Relu', [z], `${prefix}relu_${l + 1}`);
      inDim = units;
    }
    return h;
  }
}

function valueInfo(name: string, type: 'float' | 'int64', shape: Array<number | 'batch'>): OnnxTypes.IValueInfoProto {
  const elemType = type === 'float' ? onnx.TensorProto.DataType.FLOAT : onnx.TensorProto.DataType.INT64;
  const dim = shape.map((d) => (d === 'batch' ? { dimParam: 'batch' } : { dimValue: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}
