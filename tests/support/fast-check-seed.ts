// Property tests in the suite run from one fixed seed, so a run that lands is a run anyone can repeat: a rare
// counterexample found by chance would otherwise fail one CI run in many. To look further, run them with another
// seed: FC_SEED=<n> (or FC_SEED=random) npm test -- <file>; a failure prints the seed and path to replay it.
import fc from 'fast-check';

const requested = process.env.FC_SEED;
if (requested !== 'random') fc.configureGlobal({ seed: requested === undefined ? 20_261_124 : Number(requested) });
