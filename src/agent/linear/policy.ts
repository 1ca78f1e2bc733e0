/**
 * The weights of a linear agent's greedy network, in the tfjs layout [kernel_1 (in x out), bias_1, kernel_2, bias_2].
 * With F features and the position p last in the observation, the hidden layer holds relu(x_i) and relu(-x_i) of
 * every feature, then relu(p) and relu(-p); the output layer adds them up with each action's coefficients (a
 * feature's value is relu(x) - relu(-x)), so Q_a(obs) = c_a . (x, relu(p), relu(-p), 1) exactly as the regression.
 */
export function linearPolicyWeights(obsDim: number, coefficients: Float64Array[]): Float32Array[] {
  const features = obsDim - 1;
  const hidden = 2 * obsDim;
  const actions = coefficients.length;
  const w1 = new Float32Array(obsDim * hidden);
  for (let i = 0; i < features; i++) {
    w1[i * hidden + i] = 1;
    w1[i * hidden + features + i] = -1;
  }
  w1[features * hidden + 2 * features] = 1;
  w1[features * hidden + 2 * features + 1] = -1;
  const w2 = new Float32Array(hidden * actions);
  const b2 = new Float32Array(actions);
  coefficients.forEach((c, a) => {
    for (let i = 0; i < features; i++) {
      w2[i * actions + a] = c[i];
      w2[(features + i) * actions + a] = -c[i];
    }
    w2[2 * features * actions + a] = c[features];
    w2[(2 * features + 1) * actions + a] = c[features + 1];
    b2[a] = c[features + 2];
  });
  return [w1, new Float32Array(hidden), w2, b2];
}
