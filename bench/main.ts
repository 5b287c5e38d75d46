import { trainStepBench } from './train-step.js';
import { fmnistBench } from './fmnist.js';
import { evalBench } from './eval.js';
import { checkpointBench } from './checkpoint.js';
import { allreduceBench } from './allreduce.js';
import { loaderBench } from './loader.js';
import { controlPlaneBench } from './control-plane.js';
import { scalingBench } from './scaling.js';
import { recoveryBench } from './recovery.js';
import { vitStepBench } from './vit-step.js';
import { opOverheadBench } from './op-overhead.js';
import { InvalidArgumentError } from '../core/index.js';
import { shutdownBackend } from '../twist/index.js';
import { BenchArgs, type Bench } from './bench-args.js';

const BENCHES: Record<string, Bench> = {
  'train-step': trainStepBench,
  'vit-step': vitStepBench,
  fmnist: fmnistBench,
  eval: evalBench,
  checkpoint: checkpointBench,
  allreduce: allreduceBench,
  loader: loaderBench,
  'control-plane': controlPlaneBench,
  scaling: scalingBench,
  recovery: recoveryBench,
  'op-overhead': opOverheadBench,
};

/** `npm run bench -- NAME [--flag value | --switch]...`: JSON lines on stdout. */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const bench = name ? BENCHES[name] : undefined;
  if (!bench) {
    console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [--flag value]...`);
    return 2;
  }
  const args = BenchArgs.parse(name!, bench.flags, rest);
  const emit = (o: object): void => console.log(JSON.stringify({ ...o, at: new Date().toISOString() }));
  await bench.run(args, emit);
  shutdownBackend();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // Bad flags (checked before the run, or a value the benchmark refuses) are named, without a stack.
    if (err instanceof InvalidArgumentError) {
      console.error(err.message);
      process.exit(2);
    }
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
