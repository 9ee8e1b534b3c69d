import { CliError } from './args.js';

export async function cmdReport(argv: string[]): Promise<number> {
  throw new CliError(`tsplay report: not yet (${argv.join(' ')})`);
}
