import test from 'ava';
import { BackendUnavailableError } from '../../core/index.js';
import { selectBackend, shutdownBackend } from '../../twist/index.js';
import { finiteDifferenceSuite, kernelContractSuite } from '../helpers/kernel-contract.js';
import { libtorchOnThisMachine } from '../helpers/libtorch.js';
import { opContractSuite } from '../helpers/op-contract.js';
import * as tf from '@tensorflow/tfjs-core';

// Where a libtorch is installed (CI installs Debian's libtorch-dev), the addon must have been built
// at install and pass the whole contract: a missing addon then fails here instead of skipping.
if (libtorchOnThisMachine()) {
  kernelContractSuite('torch');
  finiteDifferenceSuite('torch');
  opContractSuite('torch');
  test('a kernel the torch backend lacks fails naming it, with no fallback to another backend', async (t) => {
    await selectBackend({ name: 'torch' });
    const x = tf.tensor1d([1, 2, 3]);
    const err = t.throws(() => {
      tf.cumsum(x);
    });
    x.dispose();
    t.regex(err.message, /Kernel 'Cumsum' not registered for backend 'torch'/);
    t.is(tf.getBackend(), 'torch');
  });
} else {
  test.after.always(() => shutdownBackend());
  test('forcing the torch backend without libtorch is a clear error, no fallback', async (t) => {
    const err = await t.throwsAsync(selectBackend({ name: 'torch' }), {
      instanceOf: BackendUnavailableError,
    });
    t.regex(err.message, /the torch backend is unavailable/);
  });
}
