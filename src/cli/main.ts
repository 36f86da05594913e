#!/usr/bin/env node
// The executable. `kafkaform --version` is answered before anything else loads (commander, the command tree), so it
// costs little more than starting node; every other command line goes to run.ts.
import { packageVersion } from './version.js';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  process.stdout.write(`${packageVersion()}\n`);
} else {
  const { main } = await import('./run.js');
  await main(process.argv);
}
