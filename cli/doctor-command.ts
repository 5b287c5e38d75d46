import type { Command } from 'commander';
import { nativeRingStatus } from '../collective/index.js';
import { nativeAugmentStatus, nativeOptimStatus, probeBackends } from '../twist/index.js';

/** One line of `twist doctor`: a compute backend, or one of the optional native parts. */
interface DoctorLine {
  kind: 'backend' | 'native';
  name: string;
  available: boolean;
  detail: string;
  auto?: boolean;
}

/**
 * `twist doctor [--json]`: what this machine can run: each compute backend (available or why
 * not, and which one `auto` picks), then the optional native parts (the collective's data plane,
 * the augmentations' and the optimizers' loops) and what runs instead where they are missing.
 */
export function addDoctorCommand(p: Command): void {
  p.command('doctor')
    .description(
      'list the compute backends this machine can load (in the order auto picks them) and why others cannot, then the native data plane, augmentations and optimizer loops',
    )
    .option('--json', 'one JSON line per backend or native part')
    .action(async (o: { json?: boolean }) => {
      const probes = await probeBackends();
      const auto = probes.find((b) => b.available)?.name;
      const ring = nativeRingStatus();
      const aug = nativeAugmentStatus();
      const optim = nativeOptimStatus();
      const lines: DoctorLine[] = [
        ...probes.map((b) => ({ kind: 'backend' as const, ...b, auto: b.name === auto })),
        {
          kind: 'native',
          name: 'collective',
          available: ring.available,
          detail: ring.available
            ? 'native/collective: the ring data plane in C++ threads (the default)'
            : `${ring.reason ?? ''}; the TypeScript data plane runs`,
        },
        {
          kind: 'native',
          name: 'augment',
          available: aug.available,
          detail: aug.available
            ? 'native/augment: the augmentations’ inner loops in C++'
            : `${aug.reason ?? ''}; the TypeScript loops run`,
        },
        {
          kind: 'native',
          name: 'optim',
          available: optim.available,
          detail: optim.available
            ? 'native/optim: the optimizers’ inner loops in C++'
            : `${optim.reason ?? ''}; the TypeScript loops run`,
        },
      ];
      for (const l of lines) {
        if (o.json) process.stdout.write(`${JSON.stringify(l)}\n`);
        else
          process.stdout.write(
            `${l.available ? 'ok ' : '-- '} ${l.name.padEnd(10)} ${l.detail}${l.auto ? '  (auto picks this)' : ''}\n`,
          );
      }
    });
}
