import type { Reporter, SerializedError, TestModule } from 'vitest/node';

/**
 * Prints one plain closing line, `unit: N passed, N failed, N skipped`, after
 * vitest's own summary, so any CI log reader can tell what ran.
 *
 * A file that fails outside its tests (an import error, a failing `beforeAll`) leaves
 * its tests "skipped": they count as failed here, and a failed file with no tests
 * counts as one failure, as does each unhandled error — so the line never says
 * "0 failed" for a run that failed.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
  ): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const mod of testModules) {
      const moduleFailed = mod.state() === 'failed';
      let tests = 0;
      for (const test of mod.children.allTests()) {
        tests++;
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed' || moduleFailed) failed++;
        else skipped++;
      }
      if (moduleFailed && tests === 0) failed++;
    }
    process.stdout.write(`\nunit: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
