/** `npm run sim -- <command> ...`: runs the sim command line (sim.ts) and sets the exit status. */
import { main } from './sim.ts';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
