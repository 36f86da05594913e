// Prints vitest's JSON reports as plain lines, one per report, then the closing line over all of them:
// "tests: N passed, N failed, N skipped". Exits 1 when no test ran or a report is missing.
import { existsSync, readFileSync } from 'node:fs';

const files = process.argv.length > 2 ? process.argv.slice(2) : ['.vitest/report.json'];
const total = { passed: 0, failed: 0, skipped: 0, ran: 0 };
let missing = false;
for (const file of files) {
  if (!existsSync(file)) {
    console.error(`${file}: no report (the run did not finish)`);
    missing = true;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const skipped = report.numPendingTests + report.numTodoTests;
  if (files.length > 1) console.log(`${file}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
  total.passed += report.numPassedTests;
  total.failed += report.numFailedTests;
  total.skipped += skipped;
  total.ran += report.numTotalTests - skipped;
}
console.log(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
if (total.ran === 0) {
  console.error('no test ran');
  process.exit(1);
}
if (missing) process.exit(1);
