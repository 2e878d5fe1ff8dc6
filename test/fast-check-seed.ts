/**
 * Property tests run with a fixed seed so that CI is reproducible; FC_SEED=random explores new
 * cases (as done while hardening), FC_SEED=<n> replays a reported failure.
 */
import fc from 'fast-check';

const seed = process.env.FC_SEED ?? '20261126';
if (seed !== 'random') fc.configureGlobal({ seed: Number(seed) });
