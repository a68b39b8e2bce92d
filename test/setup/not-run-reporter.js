// Prints, after Jest's own summary, one line for each suite that did not run here and why, so a run
// that passed without the full stack (or without Elasticsearch or Chromium) says so at the end.
const { writeSync } = require('node:fs');
const { relative } = require('node:path');

class NotRunReporter {
  /**
   * @param {{ rootDir: string }} globalConfig
   * @param {{ e2eNotRun?: string[], selfSkipping?: Array<{ file: string, line: string }> }} options
   *   e2eNotRun: lines printed when e2e files were part of the run (a project left out);
   *   selfSkipping: a file that skips its own tests when something is missing, and the line printed
   *   when it ran and every one of its tests was skipped.
   */
  constructor(globalConfig, options = {}) {
    this.rootDir = globalConfig.rootDir;
    this.e2eNotRun = options.e2eNotRun ?? [];
    this.selfSkipping = options.selfSkipping ?? [];
  }

  onRunComplete(_contexts, results) {
    const files = results.testResults.map((r) => ({
      file: relative(this.rootDir, r.testFilePath),
      allSkipped: r.numPendingTests > 0 && r.numPassingTests + r.numFailingTests === 0,
    }));
    const ranE2e = files.some(({ file }) => file.endsWith('.e2e-spec.ts'));
    // A file runs once per project; it counts as not run only if every run of it skipped all its
    // tests (the Swagger UI test, for one, runs on the embedded profile and skips on the other).
    const skipped = this.selfSkipping
      .filter(({ file }) => {
        const runs = files.filter((f) => f.file === file);
        return runs.length > 0 && runs.every((f) => f.allSkipped);
      })
      .map(({ line }) => line);
    const lines = [...(ranE2e ? this.e2eNotRun : []), ...new Set(skipped)];
    // Jest's summary reporter always runs after custom ones: print on exit so these lines come last.
    // writeSync on the descriptor: with forceExit, Jest silences process.stderr.write while exiting.
    if (lines.length > 0) {
      process.once('exit', () => writeSync(2, `\n${lines.join('\n')}\n`));
    }
  }
}

module.exports = NotRunReporter;
