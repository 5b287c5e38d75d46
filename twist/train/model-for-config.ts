import { TwistModel } from '../models/index.js';
import type { LocalTrainConfig } from './train-config.js';

/** The model a config describes (grayscale input, one channel). */
export function modelFor(cfg: LocalTrainConfig, inChannels = 1): TwistModel {
  return new TwistModel({
    backbone: { depth: cfg.depth, width: cfg.width, stem: cfg.stem, inChannels },
    head: { hidDim: cfg.hidDim, dim: cfg.dim, norm: 'bn', act: 'relu', drop: 0, init: 'default' },
    seed: cfg.seed,
  });
}
