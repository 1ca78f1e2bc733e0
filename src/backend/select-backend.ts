import { requireTf, tf } from './tf.js';
import { BackendUnavailableError } from '../errors/index.js';
import type { BackendName } from './names.js';

export interface BackendInfo {
  /** What was asked for. */
  requested: BackendName;
  /** The backend in use: tensorflow-gpu, tensorflow, wasm or cpu. */
  name: Exclude<BackendName, 'auto'>;
  /** The name TensorFlow.js reports. */
  tfBackend: string;
  tfjsVersion: string;
  /** Why each better backend was passed over (auto only). */
  skipped: Record<string, string>;
}

type Concrete = Exclude<BackendName, 'auto'>;
const preference: Concrete[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
const nativePackages: Partial<Record<Concrete, string>> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

let selected: BackendInfo | null = null;

/**
 * Picks the fastest working TensorFlow.js backend: tfjs-node-gpu, then tfjs-node (both optional native
 * packages), then WASM, then pure JS. A forced backend that is missing is a BackendUnavailableError.
 * Selection happens once per process; later calls return the first choice when compatible.
 */
export async function selectBackend(requested: BackendName = 'auto'): Promise<BackendInfo> {
  if (selected && (requested === 'auto' || requested === selected.name)) return selected;
  const candidates = requested === 'auto' ? preference : [requested];
  const skipped: Record<string, string> = {};
  for (const name of candidates) {
    try {
      await activate(name);
      selected = { requested, name, tfBackend: tf.getBackend(), tfjsVersion: tf.version.tfjs, skipped };
      return selected;
    } catch (err) {
      skipped[name] = (err as Error).message.split('\n')[0];
    }
  }
  throw new BackendUnavailableError(
    `backend "${requested}" is not available: ${Object.entries(skipped)
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ')}. ` +
      `Allowed: ${['auto', ...preference].join(', ')}; the native ones need ${Object.values(nativePackages).join(' or ')} installed with its TensorFlow library.`,
  );
}

async function activate(name: Concrete): Promise<void> {
  const native = nativePackages[name];
  if (native) {
    requireTf(native);
    if (!(await tf.setBackend('tensorflow'))) throw new Error(`${native} loaded but its backend did not start`);
    if (name === 'tensorflow-gpu' && !hasGpu()) throw new Error('no CUDA device visible to TensorFlow');
  } else {
    if (name === 'wasm') requireTf('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed`);
  }
  await tf.ready();
  silenceNodeBanner();
  tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1)).dataSync());
}

function hasGpu(): boolean {
  const mod = requireTf('@tensorflow/tfjs-node-gpu') as { getGpuDevices?: () => unknown[] };
  const devices = typeof mod.getGpuDevices === 'function' ? mod.getGpuDevices() : [];
  return Array.isArray(devices) && devices.length > 0;
}

/** The pure-JS backend prints an install advertisement on first use; our users chose it knowingly. */
function silenceNodeBanner(): void {
  const backend = tf.backend() as unknown as { firstUse?: boolean };
  if ('firstUse' in backend) backend.firstUse = false;
}
