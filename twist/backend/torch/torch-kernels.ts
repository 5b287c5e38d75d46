import * as tf from '@tensorflow/tfjs-core';
import { KernelUnsupportedError } from '../../../core/index.js';
import {
  FUSED_BATCH_NORM_TRAIN,
  FUSED_BATCH_NORM_TRAIN_GRAD,
  SYNC_BATCH_NORM_KERNELS as SYNC_BN,
} from '../../nn/batch-norm.js';
import {
  FUSED_GELU,
  FUSED_GELU_GRAD,
  FUSED_LAYER_NORM,
  FUSED_LAYER_NORM_GRAD,
  FUSED_RELU_GRAD,
} from '../../nn/layers.js';
import type { TorchBackend, TorchInfo } from './torch-backend.js';

type Inputs = tf.NamedTensorInfoMap;
type Attrs = tf.NamedAttrMap;
type KernelBody = (inputs: Inputs, backend: TorchBackend, attrs: Attrs) => TorchInfo | TorchInfo[];

const BACKEND = 'torch';
const DTYPE_CODE: Record<string, number> = { float32: 0, int32: 1, bool: 2 };

function input(inputs: Inputs, name: string, kernel: string): tf.TensorInfo {
  const t = inputs[name];
  if (!t) throw new KernelUnsupportedError(`${kernel}: missing input '${name}'`);
  return t;
}

function dtypeCode(dtype: string, kernel: string): number {
  const c = DTYPE_CODE[dtype];
  if (c === undefined)
    throw new KernelUnsupportedError(`${kernel}: dtype ${dtype} is not supported by the torch backend`);
  return c;
}

/** Returns `x` itself as a new reference (no copy), as tfjs's own backends do for identities. */
function identity(x: tf.TensorInfo, backend: TorchBackend): TorchInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

function expectShape(kernel: string, got: TorchInfo, want: number[]): TorchInfo {
  if (!tf.util.arraysEqual(got.shape, want)) {
    throw new KernelUnsupportedError(
      `${kernel}: ATen gave shape [${got.shape.join(',')}], tfjs expects [${want.join(',')}]`,
    );
  }
  return got;
}

/** The addon's convolution geometry: [sh, sw, pt, pb, pl, pr, dh, dw, depthwise]. */
function convArgs(c: tf.backend_util.Conv2DInfo, depthwise: boolean): number[] {
  const p = c.padInfo;
  return [
    c.strideHeight,
    c.strideWidth,
    p.top,
    p.bottom,
    p.left,
    p.right,
    c.dilationHeight,
    c.dilationWidth,
    depthwise ? 1 : 0,
  ];
}

/** The addon's pooling geometry: [kh, kw, sh, sw, pt, pb, pl, pr]. */
function poolArgs(c: tf.backend_util.Conv2DInfo): number[] {
  const p = c.padInfo;
  if (c.dilationHeight !== 1 || c.dilationWidth !== 1)
    throw new KernelUnsupportedError('pooling with dilations is not supported by the torch backend');
  return [c.filterHeight, c.filterWidth, c.strideHeight, c.strideWidth, p.top, p.bottom, p.left, p.right];
}

function nhwcOnly(kernel: string, dataFormat: unknown): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new KernelUnsupportedError(
      `${kernel}: dataFormat ${JSON.stringify(dataFormat)} is not supported (NHWC only)`,
    );
  }
}

function axesOf(attrs: Attrs, x: tf.TensorInfo): number[] {
  // null or undefined: every axis (tfjs's convention)
  const a = (attrs['axis'] ?? attrs['reductionIndices']) as number | number[];
  return tf.util.parseAxisParam(a, x.shape);
}

const UNARY: Record<string, string> = {
  Abs: 'abs',
  Neg: 'neg',
  Exp: 'exp',
  Expm1: 'expm1',
  Log: 'log',
  Log1p: 'log1p',
  Sqrt: 'sqrt',
  Rsqrt: 'rsqrt',
  Square: 'square',
  Reciprocal: 'reciprocal',
  Sin: 'sin',
  Cos: 'cos',
  Tan: 'tan',
  Tanh: 'tanh',
  Sigmoid: 'sigmoid',
  Relu: 'relu',
  Relu6: 'relu6',
  Elu: 'elu',
  Softplus: 'softplus',
  Erf: 'erf',
  Sign: 'sign',
  Floor: 'floor',
  Ceil: 'ceil',
  Round: 'round',
  IsNan: 'is_nan',
  IsInf: 'is_inf',
  LogicalNot: 'logical_not',
};

const BINARY: Record<string, string> = {
  Add: 'add',
  Sub: 'sub',
  Multiply: 'mul',
  RealDiv: 'div',
  FloorDiv: 'floor_div',
  Mod: 'mod',
  Maximum: 'maximum',
  Minimum: 'minimum',
  Pow: 'pow',
  Atan2: 'atan2',
  SquaredDifference: 'squared_difference',
  Equal: 'equal',
  NotEqual: 'not_equal',
  Less: 'less',
  LessEqual: 'less_equal',
  Greater: 'greater',
  GreaterEqual: 'greater_equal',
  LogicalAnd: 'logical_and',
  LogicalOr: 'logical_or',
};

const REDUCE: Record<string, string> = {
  Sum: 'sum',
  Mean: 'mean',
  Max: 'max',
  Min: 'min',
  Prod: 'prod',
  All: 'all',
  Any: 'any',
};

function kernels(): Record<string, KernelBody> {
  const k: Record<string, KernelBody> = {};
  for (const [name, op] of Object.entries(UNARY)) k[name] = (i, b) => b.run1(op, [input(i, 'x', name)]);
  for (const [name, op] of Object.entries(BINARY)) {
    k[name] = (i, b) => b.run1(op, [input(i, 'a', name), input(i, 'b', name)]);
  }
  for (const [name, op] of Object.entries(REDUCE)) {
    k[name] = (i, b, a) => {
      const x = input(i, 'x', name);
      const axes = axesOf(a, x);
      if (axes.length === 0) return identity(x, b);
      return b.run1(op, [x], [a['keepDims'] ? 1 : 0, ...axes]);
    };
  }
  k['Step'] = (i, b, a) => b.run1('step', [input(i, 'x', 'Step')], [Number(a['alpha'] ?? 0)]);
  k['LeakyRelu'] = (i, b, a) => b.run1('leaky_relu', [input(i, 'x', 'LeakyRelu')], [Number(a['alpha'])]);
  k['ClipByValue'] = (i, b, a) =>
    b.run1('clip', [input(i, 'x', 'ClipByValue')], [Number(a['clipValueMin']), Number(a['clipValueMax'])]);
  k['Identity'] = (i, b) => identity(input(i, 'x', 'Identity'), b);
  k['Cast'] = (i, b, a) => {
    const x = input(i, 'x', 'Cast');
    const to = a['dtype'] as string;
    if (to === x.dtype) return identity(x, b);
    return b.run1('cast', [x], [dtypeCode(to, 'Cast')]);
  };
  k['AddN'] = (i, b) => b.run1('add_n', i as unknown as tf.TensorInfo[]);
  k['Select'] = (i, b) =>
    b.run1('select', [input(i, 'condition', 'Select'), input(i, 't', 'Select'), input(i, 'e', 'Select')]);
  k['ArgMax'] = (i, b, a) => {
    const x = input(i, 'x', 'ArgMax');
    return b.run1('argmax', [x], [tf.util.parseAxisParam(a['axis'] as number, x.shape)[0]!]);
  };
  k['ArgMin'] = (i, b, a) => {
    const x = input(i, 'x', 'ArgMin');
    return b.run1('argmin', [x], [tf.util.parseAxisParam(a['axis'] as number, x.shape)[0]!]);
  };
  k['TopK'] = (i, b, a) => {
    if (a['sorted'] === false) {
      // tfjs then promises no order; sorted output satisfies that too.
    }
    return b.run('topk', [input(i, 'x', 'TopK')], [Number(a['k'])]);
  };
  k['Softmax'] = (i, b, a) => b.run1('softmax', [input(i, 'logits', 'Softmax')], [Number(a['dim'] ?? -1)]);

  k['Reshape'] = (i, b, a) => {
    const x = input(i, 'x', 'Reshape');
    const shape = tf.util.inferFromImplicitShape(a['shape'] as number[], tf.util.sizeFromShape(x.shape));
    return b.run1('reshape', [x], shape);
  };
  k['Transpose'] = (i, b, a) => b.run1('transpose', [input(i, 'x', 'Transpose')], a['perm'] as number[]);
  k['Slice'] = (i, b, a) => {
    const x = input(i, 'x', 'Slice');
    const [begin, size] = tf.slice_util.parseSliceParams(
      x as tf.Tensor,
      a['begin'] as number[],
      a['size'] as number[],
    );
    return b.run1('slice', [x], [...begin!, ...size!]);
  };
  k['Concat'] = (i, b, a) => {
    const xs = i as unknown as tf.TensorInfo[];
    const axis = tf.util.parseAxisParam(a['axis'] as number, xs[0]!.shape)[0]!;
    const shape = tf.backend_util.computeOutShape(
      xs.map((t) => t.shape),
      axis,
    );
    const nonEmpty = xs.filter((t) => tf.util.sizeFromShape(t.shape) > 0);
    if (nonEmpty.length === 1) return identity(nonEmpty[0]!, b);
    if (nonEmpty.length === 0) return b.makeTensorInfo(shape, xs[0]!.dtype);
    return b.run1('concat', nonEmpty, [axis]);
  };
  k['SplitV'] = (i, b, a) => {
    const x = input(i, 'x', 'SplitV');
    const axis = tf.util.parseAxisParam(a['axis'] as number, x.shape)[0]!;
    const sizes = tf.backend_util.prepareSplitSize(
      x as tf.Tensor,
      a['numOrSizeSplits'] as number | number[],
      axis,
    );
    return b.run('split', [x], [axis, ...sizes]);
  };
  k['Pack'] = (i, b, a) => {
    const xs = i as unknown as tf.TensorInfo[];
    const axis = Number(a['axis'] ?? 0);
    const parts = xs.map((t) => {
      const s = [...t.shape];
      s.splice(axis < 0 ? axis + s.length + 1 : axis, 0, 1);
      return b.run1('reshape', [t], s);
    });
    const out =
      parts.length === 1
        ? b.run1('clone', parts)
        : b.run1('concat', parts, [axis < 0 ? axis + xs[0]!.shape.length + 1 : axis]);
    parts.forEach((p) => b.disposeIntermediate(p));
    return out;
  };
  k['Unpack'] = (i, b, a) => {
    const x = input(i, 'value', 'Unpack');
    const axis = tf.util.parseAxisParam(a['axis'] as number, x.shape)[0]!;
    const n = x.shape[axis]!;
    const parts = b.run('split', [x], [axis, ...new Array<number>(n).fill(1)]);
    const shape = x.shape.filter((_, d) => d !== axis);
    const out = parts.map((p) => b.run1('reshape', [p], shape));
    parts.forEach((p) => b.disposeIntermediate(p));
    return out;
  };
  k['PadV2'] = (i, b, a) => {
    const x = input(i, 'x', 'PadV2');
    const pads = (a['paddings'] as [number, number][]).flat();
    return b.run1('pad', [x], [Number(a['constantValue'] ?? 0), ...pads]);
  };
  k['Tile'] = (i, b, a) => b.run1('tile', [input(i, 'x', 'Tile')], a['reps'] as number[]);
  k['Reverse'] = (i, b, a) => {
    const x = input(i, 'x', 'Reverse');
    return b.run1('reverse', [x], tf.util.parseAxisParam(a['dims'] as number[], x.shape));
  };
  k['GatherV2'] = (i, b, a) => {
    const x = input(i, 'x', 'GatherV2');
    if (Number(a['batchDims'] ?? 0) !== 0)
      throw new KernelUnsupportedError(
        'GatherV2: batchDims other than 0 are not supported by the torch backend',
      );
    const axis = tf.util.parseAxisParam(a['axis'] as number, x.shape)[0]!;
    return b.run1('gather', [x, input(i, 'indices', 'GatherV2')], [axis]);
  };
  k['OneHot'] = (i, b, a) =>
    b.run1(
      'one_hot',
      [input(i, 'indices', 'OneHot')],
      [
        Number(a['depth']),
        Number(a['onValue'] ?? 1),
        Number(a['offValue'] ?? 0),
        dtypeCode((a['dtype'] as string) ?? 'int32', 'OneHot'),
      ],
    );
  k['UnsortedSegmentSum'] = (i, b, a) =>
    b.run1(
      'unsorted_segment_sum',
      [input(i, 'x', 'UnsortedSegmentSum'), input(i, 'segmentIds', 'UnsortedSegmentSum')],
      [Number(a['numSegments'])],
    );
  k['Fill'] = (_i, b, a) => {
    const shape = a['shape'] as number[];
    const dtype = (a['dtype'] as tf.DataType) ?? 'float32';
    const v = tf.util.getTypedArrayFromDType(dtype as 'float32', tf.util.sizeFromShape(shape));
    (v as Float32Array).fill(Number(a['value']));
    return b.makeTensorInfo(shape, dtype, v);
  };
  k['ZerosLike'] = (i, b) => {
    const x = input(i, 'x', 'ZerosLike');
    return b.makeTensorInfo(x.shape, x.dtype);
  };
  k['OnesLike'] = (i, b) => {
    const x = input(i, 'x', 'OnesLike');
    const v = tf.util.getTypedArrayFromDType(x.dtype as 'float32', tf.util.sizeFromShape(x.shape));
    (v as Float32Array).fill(1);
    return b.makeTensorInfo(x.shape, x.dtype, v);
  };
  k['Range'] = (_i, b, a) => {
    const [start, stop, step] = [Number(a['start']), Number(a['stop']), Number(a['step'])];
    const dtype = (a['dtype'] as 'float32' | 'int32') ?? 'float32';
    const n = step === 0 || (stop - start) / step <= 0 ? 0 : Math.ceil((stop - start) / step);
    const v = tf.util.getTypedArrayFromDType(dtype, n);
    for (let j = 0; j < n; j++) v[j] = start + j * step;
    return b.makeTensorInfo([n], dtype, v);
  };

  // Convolutions: the same three kernels for full and depthwise filters (groups = channels).
  type Shape4 = [number, number, number, number];
  const convInfo = (
    a: Attrs,
    xShape: Shape4,
    fShape: Shape4,
    depthwise: boolean,
  ): tf.backend_util.Conv2DInfo =>
    tf.backend_util.computeConv2DInfo(
      xShape,
      fShape,
      a['strides'] as [number, number],
      (a['dilations'] as [number, number] | undefined) ?? 1,
      a['pad'] as 'same',
      a['dimRoundingMode'] as 'floor' | undefined,
      depthwise,
    );
  for (const [forward, depthwise] of [
    ['Conv2D', false],
    ['DepthwiseConv2dNative', true],
  ] as const) {
    const backInput = `${forward}BackpropInput`;
    const backFilter = `${forward}BackpropFilter`;
    k[forward] = (i, b, a) => {
      nhwcOnly(forward, a['dataFormat']);
      const x = input(i, 'x', forward);
      const f = input(i, 'filter', forward);
      const c = convInfo(a, x.shape as Shape4, f.shape as Shape4, depthwise);
      return expectShape(forward, b.run1('conv2d', [x, f], convArgs(c, depthwise)), c.outShape);
    };
    k[backInput] = (i, b, a) => {
      nhwcOnly(backInput, a['dataFormat']);
      const f = input(i, 'filter', backInput);
      const inShape = a['inputShape'] as Shape4;
      const c = convInfo(a, inShape, f.shape as Shape4, depthwise);
      const dx = b.run1(
        'conv2d_backprop_input',
        [input(i, 'dy', backInput), f],
        [...convArgs(c, depthwise), ...inShape],
      );
      return expectShape(backInput, dx, inShape);
    };
    k[backFilter] = (i, b, a) => {
      nhwcOnly(backFilter, a['dataFormat']);
      const x = input(i, 'x', backFilter);
      const fShape = a['filterShape'] as Shape4;
      const c = convInfo(a, x.shape as Shape4, fShape, depthwise);
      const run = (xdy: readonly tf.TensorInfo[]): TorchInfo =>
        expectShape(
          backFilter,
          b.run1('conv2d_backprop_filter', xdy, [...convArgs(c, depthwise), ...fShape]),
          fShape,
        );
      const xdy = [x, input(i, 'dy', backFilter)];
      // Nothing in a backward but the optimizer needs a filter gradient: it may wait (see deferKernels).
      return b.defers(backFilter) ? b.deferred(fShape, 'float32', xdy, run) : run(xdy);
    };
  }
  // Pooling: forward and gradient of max and average pooling.
  const poolArgsOf = (a: Attrs, x: tf.TensorInfo): { args: number[]; outShape: number[] } => {
    const c = tf.backend_util.computePool2DInfo(
      x.shape as Shape4,
      a['filterSize'] as [number, number],
      a['strides'] as [number, number],
      1,
      a['pad'] as 'same',
      a['dimRoundingMode'] as 'floor' | undefined,
    );
    return { args: poolArgs(c), outShape: c.outShape };
  };
  for (const [name, op] of [
    ['MaxPool', 'max_pool'],
    ['AvgPool', 'avg_pool'],
  ] as const) {
    k[name] = (i, b, a) => {
      const x = input(i, 'x', name);
      const { args, outShape } = poolArgsOf(a, x);
      return expectShape(name, b.run1(op, [x], args), outShape);
    };
    k[`${name}Grad`] = (i, b, a) => {
      const x = input(i, 'input', `${name}Grad`);
      return b.run1(`${op}_grad`, [input(i, 'dy', `${name}Grad`), x], poolArgsOf(a, x).args);
    };
  }
  k[FUSED_RELU_GRAD] = (i, b) =>
    b.run1('relu_grad', [input(i, 'dy', FUSED_RELU_GRAD), input(i, 'y', FUSED_RELU_GRAD)]);
  k[FUSED_GELU] = (i, b) => b.run1('gelu', [input(i, 'x', FUSED_GELU)]);
  k[FUSED_GELU_GRAD] = (i, b) =>
    b.run1('gelu_grad', [input(i, 'dy', FUSED_GELU_GRAD), input(i, 'x', FUSED_GELU_GRAD)]);
  k[FUSED_LAYER_NORM] = (i, b, a) =>
    b.run(
      'layer_norm',
      ['x', 'gamma', 'beta'].map((n) => input(i, n, FUSED_LAYER_NORM)),
      [Number(a['eps'])],
    );
  k[FUSED_LAYER_NORM_GRAD] = (i, b) =>
    b.run(
      'layer_norm_grad',
      ['dy', 'x', 'mean', 'rstd', 'gamma', 'beta'].map((n) => input(i, n, FUSED_LAYER_NORM_GRAD)),
    );
  k[FUSED_BATCH_NORM_TRAIN] = (i, b, a) => {
    const x = input(i, 'x', FUSED_BATCH_NORM_TRAIN);
    const affine = i['gamma'] && i['beta'] ? [i['gamma'], i['beta']] : [];
    return b.run('bn_train', [x, ...affine], [Number(a['eps'])]);
  };
  k[FUSED_BATCH_NORM_TRAIN_GRAD] = (i, b, a) => {
    const name = FUSED_BATCH_NORM_TRAIN_GRAD;
    const args = [
      input(i, 'dy', name),
      input(i, 'x', name),
      input(i, 'mean', name),
      input(i, 'variance', name),
    ];
    return b.run('bn_train_grad', i['gamma'] ? [...args, i['gamma']] : args, [Number(a['eps'])]);
  };
  k[SYNC_BN.stats] = (i, b) => b.run('bn_stats', [input(i, 'x', SYNC_BN.stats)]);
  k[SYNC_BN.apply] = (i, b, a) => {
    const name = SYNC_BN.apply;
    const args = [input(i, 'x', name), input(i, 'mean', name), input(i, 'variance', name)];
    const affine = i['gamma'] && i['beta'] ? [i['gamma'], i['beta']] : [];
    return b.run1('bn_apply', [...args, ...affine], [Number(a['eps'])]);
  };
  k[SYNC_BN.backwardReduce] = (i, b, a) => {
    const name = SYNC_BN.backwardReduce;
    const args = [
      input(i, 'dy', name),
      input(i, 'x', name),
      input(i, 'mean', name),
      input(i, 'variance', name),
    ];
    return b.run('bn_backward_reduce', args, [Number(a['eps'])]);
  };
  k[SYNC_BN.backwardElemt] = (i, b, a) => {
    const name = SYNC_BN.backwardElemt;
    const args = ['dy', 'x', 'mean', 'variance', 'sumDy', 'sumDyXhat'].map((n) => input(i, n, name));
    return b.run1('bn_backward_elemt', i['gamma'] ? [...args, i['gamma']] : args, [
      Number(a['eps']),
      Number(a['count']),
    ]);
  };
  k['BatchMatMul'] = (i, b, a) =>
    b.run1(
      'batch_matmul',
      [input(i, 'a', 'BatchMatMul'), input(i, 'b', 'BatchMatMul')],
      [a['transposeA'] ? 1 : 0, a['transposeB'] ? 1 : 0],
    );
  k['ResizeBilinear'] = (i, b, a) => {
    const [h, w] = a['size'] as [number, number];
    return b.run1(
      'resize_bilinear',
      [input(i, 'images', 'ResizeBilinear')],
      [h, w, a['alignCorners'] ? 1 : 0, a['halfPixelCenters'] ? 1 : 0],
    );
  };
  return k;
}

let registered = false;

/** Registers every kernel of the torch backend with tfjs-core (once). */
export function registerTorchKernels(): void {
  if (registered) return;
  registered = true;
  for (const [kernelName, body] of Object.entries(kernels())) {
    tf.registerKernel({
      kernelName,
      backendName: BACKEND,
      kernelFunc: ({ inputs, backend, attrs }) => body(inputs, backend as TorchBackend, attrs ?? {}),
    });
  }
}

/** The tfjs kernel names the torch backend implements. */
export function torchKernelNames(): string[] {
  return Object.keys(kernels()).sort();
}
