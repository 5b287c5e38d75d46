import type { Command } from 'commander';
import { probeBackends } from '../twist/index.js';

/** `twist doctor [--json]`: what this machine can run: each compute backend, available or why not. */
export function addDoctorCommand(p: Command): void {
  p.command('doctor')
    .description(
      'list the compute backends this machine can load (in the order auto picks them) and why others cannot',
    )
    .option('--json', 'one JSON line per backend')
    .action(async (o: { json?: boolean }) => {
      const probes = await probeBackends();
      const auto = probes.find((b) => b.available)?.name;
      for (const b of probes) {
        if (o.json) process.stdout.write(`${JSON.stringify({ ...b, auto: b.name === auto })}\n`);
        else
          process.stdout.write(
            `${b.available ? 'ok ' : '-- '} ${b.name.padEnd(10)} ${b.detail}${b.name === auto ? '  (auto picks this)' : ''}\n`,
          );
      }
    });
}
