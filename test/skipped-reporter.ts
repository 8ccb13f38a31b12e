// Names every skipped test at the end of a run (the default reporter only counts them): a test
// skipped for missing material or a missing tool carries the reason in its name, so a run on a
// fresh clone says what did not run and why.
import type { Reporter, TestModule } from "vitest/node";

export class SkippedReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const skipped = modules.flatMap((m) =>
      [...m.children.allTests("skipped")].map(
        (t) => `${t.project.name} › ${m.moduleId.replace(/^.*\/test\//, "test/")} › ${t.fullName}`,
      ),
    );
    if (skipped.length === 0) return;
    console.log(`\n${skipped.length} skipped:\n${skipped.map((s) => `  ↓ ${s}`).join("\n")}\n`);
  }
}
