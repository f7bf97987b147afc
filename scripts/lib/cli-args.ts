// Flags for the project's CLIs: node's parseArgs, plus what a user expects of a command line. `--help` or `-h`
// prints the usage (exit 0); an unknown flag, a missing value or a bad port prints what was wrong and the usage
// (exit 2), never a stack trace.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export function usageError(usage: string, message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

export function parseCli<T extends ParseArgsConfig>(usage: string, config: T): ReturnType<typeof parseArgs<T>> {
  const argv = config.args ?? process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    process.exit(0);
  }
  try {
    return parseArgs(config);
  } catch (error) {
    usageError(usage, (error as Error).message);
  }
}

/** A TCP port given as a flag's value: an integer from 1 to 65535. */
export function portFlag(usage: string, flag: string, value: string | undefined): number {
  const port = Number(value);
  if (!/^\d+$/.test(value ?? '') || port < 1 || port > 65535) usageError(usage, `--${flag} must be a port number from 1 to 65535 (got ${JSON.stringify(value ?? '')}).`);
  return port;
}
