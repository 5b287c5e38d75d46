import test from 'ava';
import { BackendUnavailableError } from '../../core/index.js';
import { selectBackend, shutdownBackend } from '../../twist/index.js';
import { finiteDifferenceSuite, kernelContractSuite } from '../helpers/kernel-contract.js';

/** Whether @tensorflow/tfjs-node(-gpu) installed with its native library on this machine. */
async function tensorflowInstalled(): Promise<boolean> {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(pkg);
      return true;
    } catch {
      // not installed, or its libtensorflow is missing
    }
  }
  return false;
}

if (await tensorflowInstalled()) {
  kernelContractSuite('tensorflow');
  finiteDifferenceSuite('tensorflow');
} else {
  // Here the package cannot install (its install downloads libtensorflow): forcing it must fail
  // clearly, naming both packages, and never fall back to another backend.
  test.after.always(() => shutdownBackend());
  test('forcing the tensorflow backend where tfjs-node is not installed is a clear error, no fallback', async (t) => {
    const err = await t.throwsAsync(selectBackend({ name: 'tensorflow' }), {
      instanceOf: BackendUnavailableError,
    });
    t.regex(err.message, /the tensorflow backend is unavailable/);
    t.regex(err.message, /@tensorflow\/tfjs-node-gpu/);
    t.regex(err.message, /@tensorflow\/tfjs-node:/);
  });
}
