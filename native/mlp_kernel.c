/*
 * A fused MLP kernel for the DQN hot path, compiled to WebAssembly with 128-bit SIMD:
 *   clang --target=wasm32 -O3 -msimd128 -nostdlib ... (scripts/build-kernel.sh)
 * One network shape per instance: layer sizes S[0..L] (input, hidden..., actions), weights laid out exactly as
 * tfjs holds them ([kernel_0 (S0 x S1, row-major), bias_0, kernel_1, bias_1, ...]). It computes Q-values and
 * one complete DQN update (targets, Huber loss, backprop, global-norm clipping, Adam with PyTorch's rule) in one
 * call, so no per-op dispatch cost remains. The tfjs implementation in q-network.ts / dqn-agent.ts is the
 * reference; test/agent/kernel.test.ts checks agreement within 1e-5.
 */
#include <wasm_simd128.h>

typedef float f32;
#define EXPORT(name) __attribute__((export_name(#name)))
#define MAXL 9

extern unsigned char __heap_base;
static unsigned long heap_top;

static void *bump(unsigned long bytes) {
  if (!heap_top) heap_top = (unsigned long)&__heap_base;
  heap_top = (heap_top + 15) & ~15ul;
  unsigned long p = heap_top;
  heap_top += bytes;
  unsigned long need = (heap_top + 65535) / 65536, have = __builtin_wasm_memory_size(0);
  if (need > have) __builtin_wasm_memory_grow(0, need - have);
  return (void *)p;
}

static int L, S[MAXL + 1], maxB, nparam, woff[MAXL], boff[MAXL];
static f32 *P, *T, *G, *Mo, *Vo;             /* online, target, gradients, Adam moments */
static f32 *A[MAXL + 1], *AN[MAXL + 1], *AO[MAXL + 1], *D[MAXL + 1];
static f32 *obs1, *q1, *bObs, *bNext, *bRew, *bDone, *bW, *tdOut;
static int *bAct;
static f32 lastMaxAbsQ;

/* Where the caller writes the layer sizes before init. */
EXPORT(sizes_buffer) int *sizes_buffer(void) {
  static int buffer[MAXL + 1];
  return buffer;
}

EXPORT(init) int init(int layers, const int *sizes, int batch) {
  L = layers;
  maxB = batch;
  nparam = 0;
  for (int l = 0; l <= L; l++) S[l] = sizes[l];
  for (int l = 0; l < L; l++) {
    woff[l] = nparam;
    nparam += S[l] * S[l + 1];
    boff[l] = nparam;
    nparam += S[l + 1];
  }
  unsigned long pb = (unsigned long)nparam * 4;
  P = bump(pb); T = bump(pb); G = bump(pb); Mo = bump(pb); Vo = bump(pb);
  for (int i = 0; i < nparam; i++) Mo[i] = Vo[i] = 0;
  for (int l = 0; l <= L; l++) {
    unsigned long bytes = (unsigned long)maxB * S[l] * 4;
    A[l] = bump(bytes); AN[l] = bump(bytes); AO[l] = bump(bytes); D[l] = bump(bytes);
  }
  obs1 = bump(S[0] * 4); q1 = bump(S[L] * 4);
  bObs = A[0]; bNext = AN[0];
  bRew = bump(maxB * 4); bDone = bump(maxB * 4); bW = bump(maxB * 4); tdOut = bump(maxB * 4);
  bAct = bump(maxB * 4);
  return nparam;
}

EXPORT(params_online) f32 *params_online(void) { return P; }
EXPORT(params_target) f32 *params_target(void) { return T; }
EXPORT(adam_m) f32 *adam_m(void) { return Mo; }
EXPORT(adam_v) f32 *adam_v(void) { return Vo; }
EXPORT(single_obs) f32 *single_obs(void) { return obs1; }
EXPORT(single_q) f32 *single_q(void) { return q1; }
EXPORT(batch_obs) f32 *batch_obs(void) { return bObs; }
EXPORT(batch_next) f32 *batch_next(void) { return bNext; }
EXPORT(batch_actions) int *batch_actions(void) { return bAct; }
EXPORT(batch_rewards) f32 *batch_rewards(void) { return bRew; }
EXPORT(batch_dones) f32 *batch_dones(void) { return bDone; }
EXPORT(batch_weights) f32 *batch_weights(void) { return bW; }
EXPORT(td_errors) f32 *td_errors(void) { return tdOut; }
EXPORT(max_abs_q) f32 max_abs_q(void) { return lastMaxAbsQ; }
/* The Q-values of the rows of the last greedy_batch (n x actions), until the next greedy, greedy_batch or train. */
EXPORT(batch_q) f32 *batch_q(void) { return AO[L]; }

/* C[n x M] = X[n x K] . W[K x M] + b, optionally ReLU. Register-blocked: 4 rows x 8 columns per step. */
static void dense(const f32 *X, int n, int K, const f32 *W, const f32 *b, f32 *C, int M, int relu) {
  const v128_t zero = wasm_f32x4_splat(0);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const f32 *x0 = X + i * K, *x1 = x0 + K, *x2 = x1 + K, *x3 = x2 + K;
    int j = 0;
    for (; j + 8 <= M; j += 8) {
      v128_t bl = wasm_v128_load(b + j), bh = wasm_v128_load(b + j + 4);
      v128_t c0l = bl, c0h = bh, c1l = bl, c1h = bh, c2l = bl, c2h = bh, c3l = bl, c3h = bh;
      const f32 *w = W + j;
      for (int k = 0; k < K; k++, w += M) {
        v128_t wl = wasm_v128_load(w), wh = wasm_v128_load(w + 4);
        v128_t a0 = wasm_f32x4_splat(x0[k]), a1 = wasm_f32x4_splat(x1[k]), a2 = wasm_f32x4_splat(x2[k]), a3 = wasm_f32x4_splat(x3[k]);
        c0l = wasm_f32x4_add(c0l, wasm_f32x4_mul(a0, wl)); c0h = wasm_f32x4_add(c0h, wasm_f32x4_mul(a0, wh));
        c1l = wasm_f32x4_add(c1l, wasm_f32x4_mul(a1, wl)); c1h = wasm_f32x4_add(c1h, wasm_f32x4_mul(a1, wh));
        c2l = wasm_f32x4_add(c2l, wasm_f32x4_mul(a2, wl)); c2h = wasm_f32x4_add(c2h, wasm_f32x4_mul(a2, wh));
        c3l = wasm_f32x4_add(c3l, wasm_f32x4_mul(a3, wl)); c3h = wasm_f32x4_add(c3h, wasm_f32x4_mul(a3, wh));
      }
      if (relu) {
        c0l = wasm_f32x4_max(c0l, zero); c0h = wasm_f32x4_max(c0h, zero); c1l = wasm_f32x4_max(c1l, zero); c1h = wasm_f32x4_max(c1h, zero);
        c2l = wasm_f32x4_max(c2l, zero); c2h = wasm_f32x4_max(c2h, zero); c3l = wasm_f32x4_max(c3l, zero); c3h = wasm_f32x4_max(c3h, zero);
      }
      f32 *c = C + i * M + j;
      wasm_v128_store(c, c0l); wasm_v128_store(c + 4, c0h); c += M;
      wasm_v128_store(c, c1l); wasm_v128_store(c + 4, c1h); c += M;
      wasm_v128_store(c, c2l); wasm_v128_store(c + 4, c2h); c += M;
      wasm_v128_store(c, c3l); wasm_v128_store(c + 4, c3h);
    }
    for (; j < M; j++) {
      for (int r = 0; r < 4; r++) {
        const f32 *x = X + (i + r) * K;
        f32 s = b[j];
        for (int k = 0; k < K; k++) s += x[k] * W[k * M + j];
        C[(i + r) * M + j] = relu && s < 0 ? 0 : s;
      }
    }
  }
  for (; i < n; i++) {
    const f32 *x = X + i * K;
    int j = 0;
    for (; j + 4 <= M; j += 4) {
      v128_t c = wasm_v128_load(b + j);
      for (int k = 0; k < K; k++) c = wasm_f32x4_add(c, wasm_f32x4_mul(wasm_f32x4_splat(x[k]), wasm_v128_load(W + k * M + j)));
      wasm_v128_store(C + i * M + j, relu ? wasm_f32x4_max(c, zero) : c);
    }
    for (; j < M; j++) {
      f32 s = b[j];
      for (int k = 0; k < K; k++) s += x[k] * W[k * M + j];
      C[i * M + j] = relu && s < 0 ? 0 : s;
    }
  }
}

/* dW[K x M] = X^T[K x n] . dZ[n x M]; 4 rows of dW x 8 columns per step. */
static void grad_weights(const f32 *X, int n, int K, const f32 *dZ, int M, f32 *dW) {
  int k = 0;
  for (; k + 4 <= K; k += 4) {
    int j = 0;
    for (; j + 8 <= M; j += 8) {
      v128_t c0l = wasm_f32x4_splat(0), c0h = c0l, c1l = c0l, c1h = c0l, c2l = c0l, c2h = c0l, c3l = c0l, c3h = c0l;
      for (int i = 0; i < n; i++) {
        const f32 *x = X + i * K + k, *d = dZ + i * M + j;
        v128_t dl = wasm_v128_load(d), dh = wasm_v128_load(d + 4);
        v128_t a0 = wasm_f32x4_splat(x[0]), a1 = wasm_f32x4_splat(x[1]), a2 = wasm_f32x4_splat(x[2]), a3 = wasm_f32x4_splat(x[3]);
        c0l = wasm_f32x4_add(c0l, wasm_f32x4_mul(a0, dl)); c0h = wasm_f32x4_add(c0h, wasm_f32x4_mul(a0, dh));
        c1l = wasm_f32x4_add(c1l, wasm_f32x4_mul(a1, dl)); c1h = wasm_f32x4_add(c1h, wasm_f32x4_mul(a1, dh));
        c2l = wasm_f32x4_add(c2l, wasm_f32x4_mul(a2, dl)); c2h = wasm_f32x4_add(c2h, wasm_f32x4_mul(a2, dh));
        c3l = wasm_f32x4_add(c3l, wasm_f32x4_mul(a3, dl)); c3h = wasm_f32x4_add(c3h, wasm_f32x4_mul(a3, dh));
      }
      f32 *w = dW + k * M + j;
      wasm_v128_store(w, c0l); wasm_v128_store(w + 4, c0h); w += M;
      wasm_v128_store(w, c1l); wasm_v128_store(w + 4, c1h); w += M;
      wasm_v128_store(w, c2l); wasm_v128_store(w + 4, c2h); w += M;
      wasm_v128_store(w, c3l); wasm_v128_store(w + 4, c3h);
    }
    for (; j < M; j++)
      for (int r = 0; r < 4; r++) {
        f32 s = 0;
        for (int i = 0; i < n; i++) s += X[i * K + k + r] * dZ[i * M + j];
        dW[(k + r) * M + j] = s;
      }
  }
  for (; k < K; k++)
    for (int j = 0; j < M; j++) {
      f32 s = 0;
      for (int i = 0; i < n; i++) s += X[i * K + k] * dZ[i * M + j];
      dW[k * M + j] = s;
    }
}

/* dX[n x K] = (dZ[n x M] . W^T) masked by ReLU'(X): dot products of dZ rows with W rows. */
static void grad_inputs(const f32 *dZ, int n, int M, const f32 *W, int K, const f32 *X, f32 *dX) {
  for (int i = 0; i < n; i++) {
    const f32 *d = dZ + i * M;
    for (int k = 0; k < K; k++) {
      f32 s;
      if (X[i * K + k] <= 0) {
        dX[i * K + k] = 0;
        continue;
      }
      const f32 *w = W + k * M;
      int j = 0;
      if (M >= 8) {
        v128_t acc0 = wasm_f32x4_splat(0), acc1 = acc0;
        for (; j + 8 <= M; j += 8) {
          acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(wasm_v128_load(d + j), wasm_v128_load(w + j)));
          acc1 = wasm_f32x4_add(acc1, wasm_f32x4_mul(wasm_v128_load(d + j + 4), wasm_v128_load(w + j + 4)));
        }
        v128_t acc = wasm_f32x4_add(acc0, acc1);
        s = wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1) + wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3);
      } else s = 0;
      for (; j < M; j++) s += d[j] * w[j];
      dX[i * K + k] = s;
    }
  }
}

static void forward(const f32 *params, f32 **acts, int n) {
  for (int l = 0; l < L; l++) dense(acts[l], n, S[l], params + woff[l], params + boff[l], acts[l + 1], S[l + 1], l < L - 1);
}

EXPORT(greedy) int greedy(void) {
  f32 *acts[MAXL + 1];
  acts[0] = obs1;
  for (int l = 1; l <= L; l++) acts[l] = AO[l];
  forward(P, acts, 1);
  int best = 0;
  for (int a = 0; a < S[L]; a++) {
    q1[a] = acts[L][a];
    if (q1[a] > q1[best]) best = a;
  }
  return best;
}

/*
 * Greedy actions of the first n rows (n <= the batch size given to init) of batch_obs into batch_actions: one
 * forward pass for a panel of instruments. dense computes every output as bias + sum over k in order, in its 4-row
 * and single-row paths alike, so each row's Q-values are bit for bit those greedy() gives for it alone, and ties go
 * to the lowest action as there. Overwrites batch_obs, batch_actions and the scratch activations; train() refills
 * and recomputes what it uses.
 */
EXPORT(greedy_batch) void greedy_batch(int n) {
  f32 *acts[MAXL + 1];
  acts[0] = bObs;
  for (int l = 1; l <= L; l++) acts[l] = AO[l];
  forward(P, acts, n);
  int nA = S[L];
  for (int i = 0; i < n; i++) {
    const f32 *q = acts[L] + i * nA;
    int best = 0;
    for (int a = 1; a < nA; a++)
      if (q[a] > q[best]) best = a;
    bAct[i] = best;
  }
}

/*
 * One DQN update on the batch in the batch buffers. Returns the weighted Huber loss; writes |TD error| per sample
 * to td_errors and the largest |Q| of the batch to max_abs_q. stepSize = lr / (1 - beta1^t), rootCorrection =
 * sqrt(1 - beta2^t) (computed by the caller in double precision, as the tfjs path does). decay = 1 - lr * weightDecay
 * multiplies the weight matrices (not the biases) after the gradients and before the Adam step, as PyTorch's AdamW
 * does; 1 skips it.
 */
EXPORT(train) f32 train(int n, f32 gamma, int doubleDqn, f32 huberDelta, f32 maxNorm, f32 stepSize, f32 rootCorrection, f32 beta1, f32 beta2, f32 eps, f32 decay) {
  int nA = S[L];
  forward(P, A, n);
  AN[0] = bNext;
  forward(T, AN, n);
  if (doubleDqn) {
    AO[0] = bNext;
    forward(P, AO, n);
  }
  f32 *q = A[L], *qt = AN[L], *qo = AO[L], *dq = D[L];
  f32 loss = 0, maxQ = 0;
  for (int i = 0; i < n; i++) {
    int best = 0;
    if (doubleDqn) {
      for (int a = 1; a < nA; a++) if (qo[i * nA + a] > qo[i * nA + best]) best = a;
    } else {
      for (int a = 1; a < nA; a++) if (qt[i * nA + a] > qt[i * nA + best]) best = a;
    }
    f32 y = bRew[i] + gamma * (1 - bDone[i]) * qt[i * nA + best];
    f32 td = q[i * nA + bAct[i]] - y;
    f32 abs = td < 0 ? -td : td;
    f32 quad = abs < huberDelta ? abs : huberDelta;
    loss += bW[i] * (0.5f * quad * quad + huberDelta * (abs - quad));
    for (int a = 0; a < nA; a++) {
      f32 v = q[i * nA + a];
      if (v < 0) v = -v;
      if (v > maxQ) maxQ = v;
      dq[i * nA + a] = 0;
    }
    /* d(mean(w * huber))/dq_a = w * clip(td, -delta, delta) / n */
    f32 g = td > huberDelta ? huberDelta : td < -huberDelta ? -huberDelta : td;
    dq[i * nA + bAct[i]] = bW[i] * g / n;
    tdOut[i] = abs;
  }
  lastMaxAbsQ = maxQ;
  for (int l = L - 1; l >= 0; l--) {
    int K = S[l], M = S[l + 1];
    grad_weights(A[l], n, K, D[l + 1], M, G + woff[l]);
    f32 *gb = G + boff[l];
    for (int j = 0; j < M; j++) gb[j] = 0;
    for (int i = 0; i < n; i++)
      for (int j = 0; j < M; j++) gb[j] += D[l + 1][i * M + j];
    if (l > 0) grad_inputs(D[l + 1], n, M, P + woff[l], K, A[l], D[l]);
  }
  double sq = 0;
  for (int p = 0; p < nparam; p++) sq += (double)G[p] * G[p];
  f32 norm = __builtin_sqrtf((f32)sq);
  f32 scale = maxNorm / (norm + 1e-6f);
  if (scale > 1) scale = 1;
  if (decay != 1) {
    const v128_t dc = wasm_f32x4_splat(decay);
    for (int l = 0; l < L; l++) {
      int p = woff[l], end = woff[l] + S[l] * S[l + 1];
      for (; p + 4 <= end; p += 4) wasm_v128_store(P + p, wasm_f32x4_mul(wasm_v128_load(P + p), dc));
      for (; p < end; p++) P[p] *= decay;
    }
  }
  const v128_t b1 = wasm_f32x4_splat(beta1), b2 = wasm_f32x4_splat(beta2), ob1 = wasm_f32x4_splat(1 - beta1), ob2 = wasm_f32x4_splat(1 - beta2);
  const v128_t sc = wasm_f32x4_splat(scale), rc = wasm_f32x4_splat(rootCorrection), ep = wasm_f32x4_splat(eps), ss = wasm_f32x4_splat(stepSize);
  int p = 0;
  for (; p + 4 <= nparam; p += 4) {
    v128_t g = wasm_f32x4_mul(wasm_v128_load(G + p), sc);
    v128_t m = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(Mo + p), b1), wasm_f32x4_mul(g, ob1));
    v128_t v = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(Vo + p), b2), wasm_f32x4_mul(wasm_f32x4_mul(g, g), ob2));
    wasm_v128_store(Mo + p, m);
    wasm_v128_store(Vo + p, v);
    v128_t denom = wasm_f32x4_add(wasm_f32x4_div(wasm_f32x4_sqrt(v), rc), ep);
    wasm_v128_store(P + p, wasm_f32x4_sub(wasm_v128_load(P + p), wasm_f32x4_mul(wasm_f32x4_div(m, denom), ss)));
  }
  for (; p < nparam; p++) {
    f32 g = G[p] * scale;
    f32 m = Mo[p] * beta1 + g * (1 - beta1), v = Vo[p] * beta2 + g * g * (1 - beta2);
    Mo[p] = m;
    Vo[p] = v;
    P[p] -= m / (__builtin_sqrtf(v) / rootCorrection + eps) * stepSize;
  }
  return loss / n;
}

EXPORT(copy_target) void copy_target(void) {
  for (int p = 0; p < nparam; p++) T[p] = P[p];
}
