/**
 * How many cases a fast-check property runs: as many as asked (300 for the main properties) in the build;
 * a tenth, at least 10, in a mutation run (`npx projen mutation` sets LANES_MUTATION), where every mutant runs
 * the tests that cover it and example tests beside each property pin the rules it covers.
 */
export function runs(n: number): number {
  return process.env.LANES_MUTATION ? Math.max(10, Math.ceil(n / 10)) : n;
}
