#!/usr/bin/env node
import { TwistError } from '../core/index.js';
import { EVAL_USAGE, evalCommand } from './eval-command.js';
import { EXPORT_USAGE, exportCommand } from './export-command.js';
import { TRAIN_USAGE, trainCommand } from './train-command.js';

const USAGE = `twist <command> [options]

Commands:
  train --local   train TWIST on this machine (see: twist train --help)
  eval MODE       kNN, linear probe, semi-supervised fine-tuning, clustering (see: twist eval --help)
  export          write a checkpoint's weights for torchvision (see: twist export --help)
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'train':
      return trainCommand(rest);
    case 'eval':
      return evalCommand(rest);
    case 'export':
      return exportCommand(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE + '\n' + TRAIN_USAGE + '\n' + EVAL_USAGE + '\n' + EXPORT_USAGE);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`twist: unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
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
