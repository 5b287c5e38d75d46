import type { Random } from '../../core/index.js';

/** Kaiming-normal, fan_out mode, ReLU gain: std = √(2 / fan_out). torchvision's ResNet conv init. */
export function kaimingNormalFanOut(rng: Random, size: number, fanOut: number): Float32Array {
  const std = Math.sqrt(2 / fanOut);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.normal() * std;
  return out;
}

/** U(−bound, bound) with bound = 1/√fan_in: PyTorch's default `nn.Linear` init of weight and bias. */
export function linearDefault(rng: Random, size: number, fanIn: number): Float32Array {
  const bound = 1 / Math.sqrt(fanIn);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.uniform(-bound, bound);
  return out;
}

/** Normal(0, std) truncated to [−2, 2] (absolute, as `timm`'s `trunc_normal_`), by rejection. */
export function truncNormal(rng: Random, size: number, std: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    let v: number;
    do v = rng.normal() * std;
    while (v < -2 || v > 2);
    out[i] = v;
  }
  return out;
}

/** Normal(0, std). */
export function normal(rng: Random, size: number, std: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.normal() * std;
  return out;
}
