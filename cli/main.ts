#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { TwistError } from '../core/index.js';
import { evalCommand } from './eval-command.js';
import { exportCommand } from './export-command.js';
import { addHeadCommand } from './head-command.js';
import { addStatusCommand, addStopCommand } from './status-command.js';
import { trainCommand } from './train-command.js';
import { addWorkerCommand } from './worker-command.js';
import { addDemoCommand } from './demo-command.js';
import { addJobCommand } from './job-command.js';
import { addDoctorCommand } from './doctor-command.js';

/** The `twist` program: cluster commands (commander) and the training commands. */
function program(setCode: (c: number) => void): Command {
  const p = new Command('twist')
    .description('a Ray-style actor cluster for Node.js that trains self-supervised models with TWIST')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  addHeadCommand(p);
  addWorkerCommand(p);
  addStatusCommand(p);
  addStopCommand(p);
  addDemoCommand(p);
  addJobCommand(p);
  addDoctorCommand(p);
  // The training commands keep their own flag parsing (and --help texts).
  const passthrough = (name: string, desc: string, run: (argv: string[]) => Promise<number>): void => {
    p.command(name)
      .description(desc)
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .argument('[args...]')
      .action(async (args: string[]) => setCode(await run(args)));
  };
  passthrough('train', 'train TWIST (see: twist train --help)', trainCommand);
  passthrough('eval', 'kNN, linear probe, semi-supervised, clustering (see: twist eval --help)', evalCommand);
  passthrough('export', "write a checkpoint's weights for torchvision, TF.js, detectron2", exportCommand);
  return p;
}

async function main(argv: string[]): Promise<number> {
  let code = 0;
  await program((c) => (code = c)).parseAsync(argv, { from: 'user' });
  return code;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
    if (err instanceof TwistError) process.stderr.write(`twist: ${err.message} [${err.code}]\n`);
    else if (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))
      process.stderr.write(`twist: ${err.message}\n`);
    else
      process.stderr.write(
        `twist: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
    process.exit(
      err instanceof TwistError ||
        (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))
        ? 2
        : 1,
    );
  },
);
