import { Adam } from '../../src/agent/adam.js';
import { selectBackend } from '../../src/backend/select-backend.js';
import { tf } from '../../src/backend/tf.js';

describe('Adam with decoupled weight decay (AdamW)', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  // Worked by hand from Loshchilov and Hutter (2019), Algorithm 2, in PyTorch's order: p <- p (1 - lr wd), then the
  // Adam step. At step 1, m_hat = g and v_hat = g^2, so the Adam step is lr * g / (|g| + eps): lr * sign(g).
  test('the first step shrinks a weight matrix by 1 - lr * wd and then moves it by lr * sign(g); a bias is not decayed', () => {
    const kernel = tf.variable(tf.tensor2d([[2, -4]]));
    const bias = tf.variable(tf.tensor1d([2, -4]));
    const adam = new Adam([kernel, bias], 0.01);
    adam.apply([tf.tensor2d([[0.5, -3]]), tf.tensor1d([0.5, -3])], 10);
    const [k0, k1] = kernel.dataSync();
    expect(k0).toBeCloseTo(2 * 0.9 - 0.01, 6);
    expect(k1).toBeCloseTo(-4 * 0.9 + 0.01, 6);
    const [b0, b1] = bias.dataSync();
    expect(b0).toBeCloseTo(2 - 0.01, 6);
    expect(b1).toBeCloseTo(-4 + 0.01, 6);
  });
});
