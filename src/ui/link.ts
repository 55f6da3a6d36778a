/** Scenario links live with the scenario format (src/scenario/link.ts): the `sim` command line prints them too. */
export * from '../scenario/link.ts';
